// The first build after the app starts, in a manifests repository too large to read in one query: the
// app writes the files whose paths name the image first, and still reaches every file that references
// it (Helm values, a plain manifest, a kustomization under paths that never name the image).
import { afterEach, expect, test } from "@jest/globals";
import { manifestsRepoFiles, serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { closeExpectingNoViolations, OLD, sourceRepo, startBot, type BotHarness } from "./bot-harness.js";

/** 60 services x dev, prod: 120 overlays under the environments' paths, more than one query reads. */
const SERVICES = 60;

const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**", "platform/dev/**"]
  prod:
    paths: ["apps/*/overlays/prod/**", "platform/prod/**"]
report:
  statuses: true
  deployments: false
`;

/** Files that reference ghcr.io/acme/web with paths that never say `web`. */
const HELM_VALUES = "platform/dev/frontend/values.yaml";
const MANIFEST = "platform/prod/edge/deployment.yaml";
const SHARED_KUSTOMIZATION = "platform/prod/kustomization.yaml";
/** The only file that references ghcr.io/acme/media-proxy: its path does not say so either. */
const ONLY_FILE = "platform/dev/cdn/values.yaml";

const helmValues = (image: string) => `frontend:
  replicas: 2
  image:
    repository: ${image}
    tag: "${OLD}"
`;

const MANIFEST_TEXT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  template:
    spec:
      containers:
        - name: edge
          image: ghcr.io/acme/web:${OLD}
`;

const SHARED_TEXT = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - edge
images:
  - name: ghcr.io/acme/web
    newTag: "${OLD}"
`;

let bot: BotHarness | undefined;

afterEach(async () => {
  if (bot) await closeExpectingNoViolations(bot);
  bot = undefined;
});

async function startLarge(): Promise<BotHarness> {
  return (bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        ...manifestsRepoFiles({ services: SERVICES, environments: ["dev", "prod"] }),
        { path: HELM_VALUES, content: helmValues("ghcr.io/acme/web") },
        { path: MANIFEST, content: MANIFEST_TEXT },
        { path: SHARED_KUSTOMIZATION, content: SHARED_TEXT },
        { path: ONLY_FILE, content: helmValues("ghcr.io/acme/media-proxy") },
      ],
    },
    sourceRepo("web"),
    sourceRepo("media-proxy"),
  ]));
}

const tagOf = async (harness: BotHarness, path: string) =>
  (await harness.file("acme", "manifests", path))
    ?.match(/(?:newTag|tag): "([^"]*)"|:([0-9a-f]{40})$/m)
    ?.slice(1)
    .find(Boolean);

test("the first build after a start reaches every file of its image, those whose paths do not name it too", async () => {
  const harness = await startLarge();
  expect(serviceNames(SERVICES)).toContain("web");
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();

  for (const path of [
    "apps/web/overlays/dev/kustomization.yaml",
    "apps/web/overlays/prod/kustomization.yaml",
    HELM_VALUES,
    MANIFEST,
    SHARED_KUSTOMIZATION,
  ])
    expect([path, await tagOf(harness, path)]).toEqual([path, sha]);
  // Nothing else moved: web-worker's overlays (their paths name `web` too) and the other image's file.
  expect(await tagOf(harness, "apps/web-worker/overlays/dev/kustomization.yaml")).not.toBe(sha);
  expect(await tagOf(harness, ONLY_FILE)).toBe(OLD);
  // Each environment's status says where it was written, no file left out (those the first commit wrote
  // already run the build when its builds come again).
  const last = new Map(
    harness
      .repo("acme", "web")
      .statuses.filter((status) => status.sha === sha)
      .map((status) => [status.context, `${status.state}: ${status.description ?? ""}`] as const),
  );
  expect([...last.keys()].sort()).toEqual(["gitops-image-bot/dev", "gitops-image-bot/prod"]);
  for (const text of last.values())
    expect(text).toMatch(/^pending: on main at [0-9a-f]{7}, waiting for Argo CD$/);
});

test("after a start, an image no path names is found by reading every file", async () => {
  const harness = await startLarge();
  const sha = await harness.commitSource("media-proxy");
  await harness.send("workflow_run", harness.workflowRun("media-proxy", sha));
  await harness.idle();
  expect(await tagOf(harness, ONLY_FILE)).toBe(sha);
  expect(await harness.appCommits()).toHaveLength(1);
});
