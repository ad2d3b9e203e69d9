import { expect } from "@jest/globals";
import { createBot, type BotOptions } from "../../src/app.js";
import { startHarness, type Harness } from "../../twin/harness.js";
import type { CreateRepoInput } from "../../twin/store.js";

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
  /** A real `workflow_run` completed/success payload for `acme/<name>` at `sha`. */
  workflowRun(name: string, sha: string, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** The commits the app made on the manifests repository's main since the harness started. */
  appCommits(): Promise<string[]>;
  /** The `newTag` a kustomization in acme/manifests deploys now. */
  deployed(path: string): Promise<string | undefined>;
}

/** Closes the app and the twin, then fails the test if the twin saw a request GitHub would refuse. */
export async function closeExpectingNoViolations(harness: Harness): Promise<void> {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
}

let counter = 0;

/** The real app (createBot) behind the real Probot server, against the twin, with a short batch window. */
export async function startBot(
  repos: ReadonlyArray<Omit<CreateRepoInput, "owner"> & { owner?: string }>,
  options: BotOptions & { productionOctokit?: boolean } = {},
): Promise<BotHarness> {
  const bot = createBot({ batchWindowMs: 150, ...options });
  const harness = await startHarness({
    appFn: bot.appFn,
    repos,
    appIdle: bot.idle,
    ...(options.productionOctokit ? { productionOctokit: true } : {}),
  });
  const manifests = harness.repo("acme", "manifests");
  const start = await manifests.git.getRef("refs/heads/main");
  return {
    ...harness,
    commitSource: async (name, branch = "main") =>
      harness.twin.store.commitFiles(
        harness.repo("acme", name),
        branch,
        [{ path: "src/version.txt", content: `${++counter}\n` }],
        `change ${counter}`,
      ),
    workflowRun: (name, sha, overrides = {}) => {
      const payload = harness.example("workflow_run", "completed", "acme", name);
      const run = payload["workflow_run"] as Record<string, unknown>;
      Object.assign(run, {
        conclusion: "success",
        head_sha: sha,
        head_branch: "main",
        event: "push",
        ...overrides,
      });
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
