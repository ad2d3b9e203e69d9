// A build of a repository on another host (GitLab): nothing is posted on GitHub about its commit, even
// when GitHub has a repository of the same name that the app can see (acme/api here).
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { parseConfig } from "../../src/config/index.js";
import type { TrackedDeployment } from "../../src/core/feedback/tracked-deployment.js";
import type { Build } from "../../src/core/plan/build.js";
import type { Outcome } from "../../src/core/plan/outcome.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import { applySteps } from "../../src/feedback/apply-steps.js";
import { MemoryDeploymentLedger } from "../../src/feedback/deployment-ledger.js";
import { DeploymentFinder } from "../../src/feedback/find-deployment.js";
import { Pacer } from "../../src/services/pacer.js";
import { reportOutcomes, type Reported } from "../../src/services/reporter.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

let fx: TwinFixture;
let sha: string;
const MANIFESTS = { owner: "acme", name: "manifests" };
const IMAGE = "harbor.example.com/acme/api";
const OPTIONS = { statuses: true, deployments: true };

beforeAll(async () => {
  fx = await startTwin();
  const api = await fx.twin.store.createRepo({
    owner: "acme",
    name: "api",
    files: [{ path: "Dockerfile", content: "FROM scratch\n" }],
  });
  sha = await fx.twin.store.commitFiles(api, "main", [{ path: "a", content: "1\n" }], "change");
});
afterAll(() => closeExpectingNoViolations(fx));

function build(host: string | undefined): Build {
  return {
    trigger: host ? "build" : "workflow_run",
    id: `build-${host ?? "github"}`,
    repository: {
      host,
      owner: "acme",
      name: "api",
      defaultBranch: "main",
      htmlUrl: host ? `https://${host}/acme/api` : "https://github.com/acme/api",
    },
    sha,
    branch: "main",
    event: undefined,
    workflowPath: undefined,
    url: undefined,
    image: undefined,
    buildNumber: 42,
    receivedAt: 0,
  };
}

function reported(host: string | undefined): Reported[] {
  const wanted: Wanted = {
    build: build(host),
    image: IMAGE,
    tag: `42-${sha.slice(0, 7)}`,
    digest: undefined,
    tagTemplate: "{build}-{sha:7}",
    order: "build-number",
  };
  const written: Outcome = {
    kind: "written",
    wanted,
    environment: "dev",
    updates: [
      {
        wanted,
        environment: "dev",
        path: "dev/api.yaml",
        fromTag: "41-aaaaaaa",
        fromSha: "aaaaaaa",
        line: 5,
      },
    ],
  };
  const skipped: Outcome = {
    kind: "skipped",
    wanted,
    environment: "prod",
    path: "prod/api.yaml",
    skip: {
      reason: "older-by-order",
      order: "build-number",
      deployedTag: "43-bbbbbbb",
      deployed: "build 43",
      candidate: "build 42",
    },
  };
  const landing = {
    kind: "commit" as const,
    url: "https://github.com/acme/manifests/commit/c0ffee",
    label: "c0ffee",
    oid: "c".repeat(40),
    branch: "main",
  };
  return [
    { outcome: written, landing },
    { outcome: skipped, landing: undefined },
  ];
}

async function statusesOf(ref: string) {
  const { data } = await fx.octokit.rest.repos.listCommitStatusesForRef({ owner: "acme", repo: "api", ref });
  return data;
}

test("a GitLab build's outcomes post no status and no deployment, and are not tracked", async () => {
  const ledger = new MemoryDeploymentLedger();
  fx.twin.counters.reset();
  await reportOutcomes(
    fx.octokit as unknown as Octokit,
    new Pacer(60, 450),
    MANIFESTS,
    reported("gitlab.example.com"),
    OPTIONS,
    { ledger, now: () => 1 },
  );
  expect(fx.twin.counters.total).toBe(0);
  expect(ledger.forImage(MANIFESTS, "dev", IMAGE)).toEqual([]);
  expect(await statusesOf(sha)).toEqual([]);
});

test("the same outcomes of a GitHub build post statuses and a deployment on its commit (the control)", async () => {
  const ledger = new MemoryDeploymentLedger();
  await reportOutcomes(
    fx.octokit as unknown as Octokit,
    new Pacer(60, 450),
    MANIFESTS,
    reported(undefined),
    OPTIONS,
    { ledger, now: () => 1 },
  );
  const contexts = (await statusesOf(sha)).map((status) => status.context).sort();
  expect(contexts).toEqual(["gitops-image-bot/dev", "gitops-image-bot/prod"]);
  expect(ledger.forImage(MANIFESTS, "dev", IMAGE)).toHaveLength(1);
});

test("a tracked deployment of a GitLab commit takes Argo CD's steps without a request", async () => {
  const ledger = new MemoryDeploymentLedger();
  const deployment: TrackedDeployment = {
    manifests: MANIFESTS,
    environment: "dev",
    image: IMAGE,
    tag: "42",
    source: { host: "gitlab.example.com", owner: "acme", name: "api" },
    sha,
    build: undefined,
    deploymentId: 1,
    statuses: true,
    production: false,
    landing: undefined,
    state: "in_progress",
    description: undefined,
    writtenAt: 1,
    onBranchAt: 1,
  };
  fx.twin.counters.reset();
  const sent = await applySteps(fx.octokit as unknown as Octokit, new Pacer(60, 450), ledger, [
    {
      deployment,
      state: "success",
      description: "Healthy",
      commit: "success",
      byGitHub: false,
      url: undefined,
    },
  ]);
  expect(sent).toBe(0);
  expect(fx.twin.counters.total).toBe(0);
  expect(ledger.forImage(MANIFESTS, "dev", IMAGE)[0]?.state).toBe("success");
});

test("after a restart, a GitLab source's deployment is not looked for on GitHub", async () => {
  const parsed = parseConfig(`sources:
  - repositories: [acme/*]
    host: gitlab.example.com
    triggers: [build]
    image: harbor.example.com/{owner}/{repo}
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev: { paths: [dev/**] }
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  fx.twin.counters.reset();
  const found = await new DeploymentFinder().find(
    fx.octokit as unknown as Octokit,
    parsed.config,
    MANIFESTS,
    "dev",
    IMAGE,
    `42-${sha.slice(0, 7)}`,
  );
  expect(found).toBeUndefined();
  expect(fx.twin.counters.total).toBe(0);
});
