import { expect } from "@jest/globals";
import { appOctokit } from "../../src/adapters/github/app-octokit.js";
import { createBot, type Bot, type BotOptions } from "../../src/app.js";
import type { InstallationPass } from "../../src/services/reconciler.js";
import { startHarness, type Harness, type HarnessOptions } from "../../twin/harness.js";
import type { CreateRepoInput, WorkflowRunInput } from "../../twin/store.js";

export const CONFIG = `# deploys every acme service
sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit
    branches: ["**"] # any branch
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: commit
    branches: [main]
`;

/** The overlays of acme/web most tests deploy to, and the tag they start at (no commit of acme/web). */
export const DEV = "apps/web/overlays/dev/kustomization.yaml";
export const PROD = "apps/web/overlays/prod/kustomization.yaml";
export const OLD = "0000000000000000000000000000000000000000";

/** acme/manifests with CONFIG and acme/web's dev and prod overlays at OLD, plus `files`. */
export function webManifests(files: CreateRepoInput["files"] = []): Omit<CreateRepoInput, "owner"> {
  return {
    name: "manifests",
    files: [
      { path: ".github/gitops-image-bot.yml", content: CONFIG },
      ...(files ?? []),
      { path: DEV, content: overlay("ghcr.io/acme/web", OLD) },
      { path: PROD, content: overlay("ghcr.io/acme/web", OLD) },
    ],
  };
}

export function overlay(image: string, tag: string, comment = ""): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: ${image}
    newTag: "${tag}"${comment}
`;
}

export interface BotHarness extends Harness {
  /** Commits to a source repository's branch and returns the new SHA (the "build" to deploy). */
  commitSource(name: string, branch?: string): Promise<string>;
  /**
   * A real `workflow_run` completed/success payload for `acme/<name>` at `sha` (a push to main), the run
   * recorded in the twin too; `overrides` patch `workflow_run`, and those the twin records (head_branch,
   * event, conclusion, status, path, name) change the recorded run alike.
   */
  workflowRun(name: string, sha: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** The commits the app made on the manifests repository's main since the harness started. */
  appCommits(): Promise<string[]>;
  /** The `newTag` a kustomization in acme/manifests deploys now. */
  deployed(path: string): Promise<string | undefined>;
  /** One reconciliation pass over the installation, as the scheduler runs it; resolves when its writes are done. */
  reconcile(): Promise<InstallationPass>;
  readonly bot: Bot;
}

/** Closes the app and the twin, then fails the test if the twin saw a request GitHub would refuse. */
export async function closeExpectingNoViolations(harness: Harness): Promise<void> {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
}

/** The `workflow_run` fields of an override that the twin records, as its store takes them. */
function recordedOverrides(overrides: Record<string, unknown>): Partial<WorkflowRunInput> {
  const fields = {
    headBranch: overrides["head_branch"],
    event: overrides["event"],
    conclusion: overrides["conclusion"],
    status: overrides["status"],
    path: overrides["path"],
    name: overrides["name"],
  };
  // Only what the override sets, and with a type the store takes; the rest keeps the store's defaults.
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => typeof value === "string" || value === null),
  ) as Partial<WorkflowRunInput>;
}

let counter = 0;

/** The real app (createBot) behind the real Probot server, against the twin, with a short batch window. */
export async function startBot(
  repos: ReadonlyArray<Omit<CreateRepoInput, "owner"> & { owner?: string }>,
  options: BotOptions & { productionOctokit?: boolean; log?: HarnessOptions["log"] } = {},
): Promise<BotHarness> {
  const bot = createBot({ batchWindowMs: 150, scheduleTickMs: 0, warmUp: false, ...options });
  const harness = await startHarness({
    appFn: bot.appFn,
    repos,
    appIdle: bot.idle,
    // The Octokit production runs with (src/start.ts): retries and throttling on, writes spaced.
    ...(options.productionOctokit ? { productionOctokit: appOctokit() } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
  const manifests = harness.repo("acme", "manifests");
  const start = await manifests.git.getRef("refs/heads/main");
  return {
    ...harness,
    bot,
    close: async () => {
      // Stops the app and closes its fleet's Redis connections (none without Redis).
      await bot.close();
      await harness.close();
    },
    reconcile: async () => {
      const [pass] = await bot.reconcile(harness.installation.id);
      await harness.idle();
      if (!pass) throw new Error("no pass ran");
      return pass;
    },
    commitSource: async (name, branch = "main") =>
      harness.twin.store.commitFiles(
        harness.repo("acme", name),
        branch,
        [{ path: "src/version.txt", content: `${++counter}\n` }],
        `change ${counter}`,
      ),
    workflowRun: (name, sha, overrides = {}) => {
      const input = { headSha: sha, headBranch: "main", event: "push", ...recordedOverrides(overrides) };
      const { payload } = harness.workflowRunPayload("acme", name, input);
      Object.assign(payload["workflow_run"] as Record<string, unknown>, overrides);
      return payload;
    },
    deployed: async (path) =>
      (await harness.file("acme", "manifests", path))?.match(/newTag: "([^"]*)"/)?.[1],
    appCommits: async () => {
      const commits = await manifests.git.commitsBetween(start!, "refs/heads/main");
      const mine: string[] = [];
      for (const sha of commits)
        if ((await manifests.git.readCommit(sha))?.author.name === "gitops-image-bot[bot]") mine.push(sha);
      return mine;
    },
  };
}

export function sourceRepo(name: string): Omit<CreateRepoInput, "owner"> {
  return { name, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] };
}

/** What the app reports after a commit (statuses, deployments): not an update's cost. */
export const REPORT_ROUTES = [
  "POST /repos/{owner}/{repo}/statuses/{sha}",
  "POST /repos/{owner}/{repo}/deployments",
  "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses",
];

/** The requests of one build of acme/<name>, sent and settled, by route, without its reports. */
export async function buildRequests(
  bot: BotHarness,
  name: string,
  sha: string,
  overrides: Record<string, unknown> = {},
): Promise<Record<string, number>> {
  bot.twin.counters.reset();
  await bot.send("workflow_run", bot.workflowRun(name, sha, overrides));
  await bot.idle();
  return Object.fromEntries(
    Object.entries(bot.twin.counters.snapshot().byRoute).filter(([route]) => !REPORT_ROUTES.includes(route)),
  );
}
