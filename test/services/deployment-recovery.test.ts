// After a restart the deployment ledger is empty: an observation of a tag the app wrote before finds
// its build from the tag (the config's source) and its deployment with one GET, then updates it.
import { parseConfig, type Config } from "../../src/config/index.js";
import type { EnvironmentObservation } from "../../src/core/feedback/observation.js";
import { deploymentFeedback } from "../../src/feedback/deployment-feedback.js";
import { MemoryDeploymentLedger } from "../../src/feedback/deployment-ledger.js";
import { MemoryHealthLedger } from "../../src/feedback/health-ledger.js";
import { Pacer } from "../../src/services/pacer.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

const CONFIG = `sources:\n  - repositories: ["acme/*"]\nenvironments:\n  dev:\n    paths: ["apps/*/overlays/dev/**"]\n`;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

let fx: TwinFixture;
let pacer: Pacer;
beforeEach(async () => {
  fx = await startTwin();
  pacer = new Pacer(60, 450);
});
afterEach(async () => {
  pacer.close();
  await closeExpectingNoViolations(fx);
});

function config(): Config {
  const result = parseConfig(CONFIG);
  if (!result.ok) throw new Error("the test's config does not parse");
  return result.config;
}

function healthy(sha: string, at: number): EnvironmentObservation {
  return {
    installationId: fx.installation.id,
    manifests: { owner: "acme", name: "manifests" },
    environment: "dev",
    observation: {
      application: "web-dev",
      namespace: "argocd",
      project: "default",
      labels: {},
      sources: [],
      revision: undefined,
      syncStatus: "Synced",
      healthStatus: "Healthy",
      healthMessage: undefined,
      operationPhase: "Succeeded",
      operationMessage: undefined,
      images: [`ghcr.io/acme/web:${sha}`],
      observedAt: at,
      url: "https://argocd.example.com/applications/argocd/web-dev",
      via: "api",
    },
  };
}

test("an untracked tag: one GET finds the deployment, then one deployment status and one commit status; a repeat costs nothing", async () => {
  const web = await fx.twin.store.createRepo({
    owner: "acme",
    name: "web",
    files: [{ path: "Dockerfile", content: "FROM scratch\n" }],
  });
  const sha = (await web.git.getRef("refs/heads/main"))!;
  // What the app wrote before it restarted: a deployment of the build, in_progress.
  const { data } = await fx.octokit.rest.repos.createDeployment({
    owner: "acme",
    repo: "web",
    ref: sha,
    environment: "dev",
    required_contexts: [],
    auto_merge: false,
    production_environment: false,
    payload: { manifests: "acme/manifests", image: "ghcr.io/acme/web", tag: sha },
  });
  if (!("id" in data)) throw new Error("expected a deployment");
  await fx.octokit.rest.repos.createDeploymentStatus({
    owner: "acme",
    repo: "web",
    deployment_id: data.id,
    state: "in_progress",
  });

  const health = new MemoryHealthLedger();
  const listener = deploymentFeedback({
    ledger: new MemoryDeploymentLedger(),
    auth: async () => fx.octokit,
    pacer: () => pacer,
    config: async () => config(),
    log: silent,
  });
  const feed = async (observed: EnvironmentObservation): Promise<Record<string, number>> => {
    const before = { ...fx.twin.counters.snapshot().byRoute };
    await listener(observed, health.record(observed));
    const after = fx.twin.counters.snapshot().byRoute;
    return Object.fromEntries(
      Object.entries(after)
        .map(([route, count]) => [route, count - (before[route] ?? 0)] as const)
        .filter(([, count]) => count > 0),
    );
  };

  expect(await feed(healthy(sha, Date.now()))).toEqual({
    "GET /repos/{owner}/{repo}/deployments": 1,
    "POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": 1,
    "POST /repos/{owner}/{repo}/statuses/{sha}": 1,
  });
  const statuses = web.deployments.get(data.id)!.statuses;
  expect(statuses.at(-1)).toMatchObject({
    state: "success",
    description: "Synced and Healthy",
    environmentUrl: "https://argocd.example.com/applications/argocd/web-dev",
  });
  expect(web.statuses.at(-1)).toMatchObject({ sha, context: "gitops-image-bot/dev", state: "success" });
  expect(await feed(healthy(sha, Date.now()))).toEqual({});

  // A tag no deployment was made for is asked about once, not at every observation.
  const other = "e".repeat(40);
  expect(await feed(healthy(other, Date.now()))).toEqual({ "GET /repos/{owner}/{repo}/deployments": 1 });
  await feed({
    ...healthy(other, Date.now()),
    observation: { ...healthy(other, 0).observation, healthStatus: "Degraded" },
  });
  expect(fx.twin.counters.count("GET /repos/{owner}/{repo}/deployments")).toBe(2);
});
