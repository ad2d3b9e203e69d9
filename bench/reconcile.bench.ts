// Requests per reconciliation pass: 300 services x 3 environments, 300 source repositories, the real app
// (createBot behind the real Probot server) against the GitHub twin. Counts, not times: the figures do
// not depend on the machine.
import { createBot } from "../src/app.js";
import { startHarness, type Harness } from "../twin/harness.js";
import { serviceNames } from "../twin/fixtures/manifests-repo.js";
import { createDeployedManifests } from "./deployed-manifests.js";
import type { Measurement } from "./run.js";
import { ENVIRONMENTS } from "./app.bench.js";

const SERVICES = 300;
const log = (text: string) => console.log(`  [reconcile] ${text}`);

interface PassFigures {
  readonly requests: number;
  readonly contentCreating: number;
  readonly found: number;
  readonly repaired: number;
}

async function pass(harness: Harness, run: () => Promise<unknown>): Promise<PassFigures> {
  harness.twin.counters.reset();
  const result = (await run()) as Array<{
    kind: string;
    results?: Array<{ found: number; repaired: number }>;
  }>;
  await harness.idle();
  const counters = harness.twin.counters;
  const results = result.flatMap((entry) => entry.results ?? []);
  return {
    requests: counters.total,
    contentCreating: counters.contentCreating.filter((entry) => !entry.route.includes("access_tokens"))
      .length,
    found: results.reduce((sum, entry) => sum + entry.found, 0),
    repaired: results.reduce((sum, entry) => sum + entry.repaired, 0),
  };
}

export async function reconcileBenchmarks(): Promise<Measurement[]> {
  const names = serviceNames(SERVICES);
  // The registry of manifests repositories is read again every pass, as when passes are 10 minutes apart.
  const bot = createBot({ batchWindowMs: 500, scheduleTickMs: 0, registryTtlMs: 0, warmUp: false });
  const started = Date.now();
  const harness = await startHarness({
    appFn: bot.appFn,
    appIdle: bot.idle,
    repos: names.map((name) => ({ name, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] })),
  });
  const store = harness.twin.store;
  const built = async (name: string): Promise<string> => {
    const repo = harness.repo("acme", name);
    const sha = await store.commitFiles(
      repo,
      "main",
      [{ path: "VERSION", content: `${Date.now()}\n` }],
      "build",
    );
    store.recordWorkflowRun(repo, { headSha: sha, headBranch: "main" });
    return sha;
  };
  const deployed = new Map<string, string>();
  for (const name of names) deployed.set(name, await built(name));
  const fileCount = await createDeployedManifests(store, SERVICES, deployed);
  log(
    `setup: ${SERVICES} source repositories and ${fileCount} manifests files in ${Date.now() - started} ms`,
  );
  const reconcile = () => bot.reconcile(harness.installation.id);
  try {
    const cold = await pass(harness, reconcile);
    log(`first pass (nothing cached): ${JSON.stringify(cold)}`);
    const steady = await pass(harness, reconcile);
    log(`no drift: ${JSON.stringify(steady)}`);
    // 10% drift: 30 services built on main, their webhooks lost: 90 of the 900 (environment, image) pairs.
    const drifted = names.slice(0, SERVICES / 10);
    const newest = new Map<string, string>();
    for (const name of drifted) newest.set(name, await built(name));
    const drift = await pass(harness, reconcile);
    log(`10% drift: ${JSON.stringify(drift)}`);
    let wrong = 0;
    for (const name of drifted)
      for (const env of ENVIRONMENTS) {
        const text = await harness.file(
          "acme",
          "manifests",
          `apps/${name}/overlays/${env}/kustomization.yaml`,
        );
        if (!text?.includes(newest.get(name) ?? "?")) wrong++;
      }
    const after = await pass(harness, reconcile);
    log(`the pass after the repair: ${JSON.stringify(after)}`);
    return [
      {
        key: "reconcileRequestsFirstPass",
        label: "reconcile: requests of the first pass (300 services x 3 environments, nothing cached)",
        value: cold.requests,
        unit: "requests",
      },
      {
        key: "reconcileRequestsNoDrift",
        label: "reconcile: requests per pass with no drift",
        value: steady.requests,
        unit: "requests",
        target: { op: "<=", value: 30 },
      },
      {
        key: "reconcileContentCreatingNoDrift",
        label: "reconcile: content-creating requests per pass with no drift",
        value: steady.contentCreating,
        unit: "requests",
      },
      {
        key: "reconcileRequestsTenPercentDrift",
        label: "reconcile: requests per pass with 10% drift (90 of 900 pairs), commits and statuses included",
        value: drift.requests,
        unit: "requests",
      },
      {
        key: "reconcileRepairedTenPercentDrift",
        label: "reconcile: pairs repaired by that pass (of 90)",
        value: drift.repaired,
        unit: "pairs",
        target: { op: "=", value: 90 },
      },
      {
        key: "reconcileWrongAfterRepair",
        label: "reconcile: drifted files not at the newest build after that pass",
        value: wrong,
        unit: "files",
        target: { op: "=", value: 0 },
      },
      {
        key: "reconcileRequestsAfterRepair",
        label: "reconcile: requests of the next pass (no drift again)",
        value: after.requests,
        unit: "requests",
      },
    ];
  } finally {
    await harness.close();
  }
}
