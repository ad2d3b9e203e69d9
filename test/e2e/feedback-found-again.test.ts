// What Argo CD's word costs when the app tracks no deployment (a restart emptied its memory): the
// deployment is looked up on GitHub once per (environment, image, tag), and not at all when the config
// turns deployments off, since the app created none (the first poll of 900 applications after a restart
// asked 900 times before). Real Probot server and GitHub twin; observations fed as /api/argocd would.
import type { EnvironmentObservation } from "../../src/core/feedback/observation.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  type BotHarness,
} from "./bot-harness.js";

const LIST_DEPLOYMENTS = "GET /repos/{owner}/{repo}/deployments";

let bot: BotHarness;
afterEach(() => closeExpectingNoViolations(bot));

async function start(config: string): Promise<void> {
  bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: config },
        { path: DEV, content: overlay("ghcr.io/acme/web", OLD) },
        { path: PROD, content: overlay("ghcr.io/acme/web", OLD) },
      ],
    },
    sourceRepo("web"),
  ]);
}

/** Argo CD says acme/web runs `tag` in dev, Synced and Healthy. */
function healthy(tag: string): EnvironmentObservation {
  return {
    installationId: bot.installation.id,
    manifests: { owner: "acme", name: "manifests" },
    environment: "dev",
    observation: {
      application: "web-dev",
      namespace: "argocd",
      project: "default",
      labels: {},
      sources: [
        {
          repoURL: `${bot.twin.urls.web}/acme/manifests.git`,
          path: "apps/web/overlays/dev",
          targetRevision: "main",
        },
      ],
      revision: undefined,
      syncStatus: "Synced",
      healthStatus: "Healthy",
      healthMessage: undefined,
      operationPhase: "Succeeded",
      operationMessage: undefined,
      images: [`ghcr.io/acme/web:${tag}`],
      observedAt: Date.now(),
      url: "https://argocd.example.com/applications/argocd/web-dev",
      via: "api",
    },
  };
}

/** Feeds the observation, waits for what it starts, returns the deployment look-ups it cost. */
async function lookups(observed: EnvironmentObservation): Promise<number> {
  const before = bot.twin.counters.count(LIST_DEPLOYMENTS);
  await bot.bot.observe([observed]);
  await bot.idle();
  return bot.twin.counters.count(LIST_DEPLOYMENTS) - before;
}

test("a build the app does not track is looked up once per tag when deployments are on", async () => {
  await start(CONFIG);
  const sha = await bot.commitSource("web"); // built before the app (re)started: nothing tracked
  expect(await lookups(healthy(sha))).toBe(1);
  expect(await lookups(healthy(OLD))).toBe(1); // another tag: asked too
  expect(await lookups(healthy(sha))).toBe(0); // asked before: the answer is kept
});

test("with report.deployments off nothing is looked up: the app created no deployment to find", async () => {
  await start(`${CONFIG}report:\n  statuses: true\n  deployments: false\n`);
  const sha = await bot.commitSource("web");
  expect(await lookups(healthy(sha))).toBe(0);
  expect(await lookups(healthy(OLD))).toBe(0);
  expect([...bot.repo("acme", "web").deployments.values()]).toEqual([]);
});
