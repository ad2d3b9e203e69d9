// pull_request closed: only the app's own deploy pull requests move deployments; a bot or person with
// the same branch name, or a fork's pull request, changes nothing and sends nothing.
import type { Octokit } from "../../src/adapters/github/octokit.js";
import type { TrackedDeployment } from "../../src/core/feedback/tracked-deployment.js";
import { MemoryDeploymentLedger } from "../../src/feedback/deployment-ledger.js";
import { pullRequestClosed } from "../../src/feedback/pull-request-closed.js";
import { closedPullFromPayload } from "../../src/handlers/pull-request-closed-from-payload.js";
import { Pacer } from "../../src/services/pacer.js";

const SHA = "a".repeat(40);
const MERGE = "b".repeat(40);
const APP = { login: "gitops-image-bot[bot]", type: "Bot" };

function deployment(): TrackedDeployment {
  return {
    manifests: { owner: "acme", name: "manifests" },
    environment: "prod",
    image: "ghcr.io/acme/web",
    tag: SHA,
    source: { owner: "acme", name: "web" },
    sha: SHA,
    build: undefined,
    deploymentId: 7,
    statuses: true,
    production: true,
    landing: { kind: "pull-request", number: 42, oid: undefined },
    state: "pending",
    description: "proposed in acme/manifests#42, waiting for review",
    writtenAt: 1_000,
    onBranchAt: undefined,
  };
}

function payload(fields: {
  user?: { login: string; type: string } | null;
  headRepo?: string;
  ref?: string;
  merged?: boolean;
}) {
  return {
    action: "closed",
    number: 42,
    installation: { id: 1 },
    repository: { name: "manifests", owner: { login: "acme" } },
    pull_request: {
      merged: fields.merged ?? true,
      merge_commit_sha: fields.merged === false ? null : MERGE,
      html_url: "https://github.com/acme/manifests/pull/42",
      head: {
        ref: fields.ref ?? "gitops-image-bot/prod/web",
        repo: { full_name: fields.headRepo ?? "acme/manifests" },
      },
      base: { ref: "main" },
      user: fields.user === undefined ? APP : fields.user,
    },
  };
}

/** What the closed pull request leaves: the requests sent to GitHub and the deployment's state. */
async function close(body: unknown): Promise<{ sent: string[]; state: string | undefined }> {
  const ledger = new MemoryDeploymentLedger();
  ledger.track(deployment());
  const sent: string[] = [];
  const record = (what: string) => async (params: { state: string }) =>
    void sent.push(`${what} ${params.state}`);
  const octokit = {
    rest: { repos: { createDeploymentStatus: record("deployment"), createCommitStatus: record("commit") } },
  } as unknown as Octokit;
  const parse = closedPullFromPayload(body);
  if (parse.ok)
    await pullRequestClosed(
      {
        ledger,
        identity: async () => ({ slug: "gitops-image-bot" }),
        pacer: () => new Pacer(60, 450),
        log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
        now: () => 5_000,
      },
      octokit,
      parse.pull,
    );
  return { sent, state: ledger.forPull({ owner: "acme", name: "manifests" }, 42)[0]?.state };
}

test("the app's own pull request, merged: in_progress on the deployment and pending on the commit", async () => {
  expect(await close(payload({}))).toEqual({
    sent: ["deployment in_progress", "commit pending"],
    state: "in_progress",
  });
});

test("the app's own pull request, closed unmerged: inactive, error on the commit", async () => {
  expect(await close(payload({ merged: false }))).toEqual({
    sent: ["deployment inactive", "commit error"],
    state: "inactive",
  });
});

test.each<[string, Parameters<typeof payload>[0]]>([
  ["another bot with the app's branch name", { user: { login: "renovate[bot]", type: "Bot" } }],
  ["a person named like the app", { user: { login: "gitops-image-bot[bot]", type: "User" } }],
  ["a fork's pull request by the app's name", { headRepo: "mallory/manifests" }],
  ["a deleted user", { user: null }],
  ["a branch that is not the app's", { ref: "feature/x" }],
])("%s: nothing sent, nothing changes", async (_name, fields) => {
  expect(await close(payload(fields))).toEqual({ sent: [], state: "pending" });
});
