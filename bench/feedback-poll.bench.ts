// The API poll's cost (#16): requests to Argo CD per reconciliation pass for 300 services x 3
// environments (900 applications in the Argo CD twin, all Synced and Healthy), the app configured with
// ARGOCD_SERVER and ARGOCD_TOKEN (BotOptions.argocd); and what the observations of a pass cost on GitHub.
// The real app (createBot behind the real Probot server) against the GitHub twin, as bench/reconcile.bench.ts.
import { createBot } from "../src/app.js";
import { startHarness, type Harness } from "../twin/harness.js";
import { serviceNames } from "../twin/fixtures/manifests-repo.js";
import { createDeployedManifests } from "./deployed-manifests.js";
import { startArgoCdTwin } from "../twin/argocd/harness.js";
import type { ArgoCdTwin } from "../twin/argocd/argocd-twin.js";
import type { Measurement } from "./run.js";
import { ENVIRONMENTS } from "./app.bench.js";
import { median } from "./targets.js";

const SERVICES = 300;
const PASSES = 3;
const log = (text: string) => console.log(`  [feedback poll] ${text}`);

/** Reconciles the Argo CD twin until every application is Synced and Healthy (the first sync renders 900). */
async function syncAll(argocd: ArgoCdTwin): Promise<void> {
  const started = Date.now();
  for (let round = 1; ; round++) {
    await argocd.reconcile();
    const apps = argocd.applications();
    const healthy = apps.filter(
      (app) => app.status.sync.status === "Synced" && app.status.health.status === "Healthy",
    ).length;
    if (healthy === apps.length) break;
    if (round > 20) throw new Error(`only ${healthy} of ${apps.length} applications became Healthy`);
  }
  log(`${argocd.applications().length} applications Synced and Healthy in ${Date.now() - started} ms`);
}

export async function argocdPollBenchmarks(): Promise<Measurement[]> {
  const names = serviceNames(SERVICES);
  const started = Date.now();
  // The Argo CD twin first (the app reads ARGOCD_SERVER when it loads); it finds the GitHub twin's
  // repositories when its applications are created, after the harness started.
  const github: { harness?: Harness } = {};
  const argocd = await startArgoCdTwin(
    {
      get store() {
        return github.harness!.twin.store;
      },
    },
    { pollMs: 0, syncDelayMs: 0, healthDelayMs: 0 },
  );
  let observations = 0;
  const bot = createBot({
    batchWindowMs: 500,
    scheduleTickMs: 0,
    gateTickMs: 0,
    warmUp: false,
    // The registry's default lifetime (10 minutes): the feedback pipeline finds each observation's
    // config through it, so with none (bench/reconcile.bench.ts) each of the 900 observations would read
    // the registry again.
    argocd: { server: argocd.url, token: argocd.token },
    onObserved: async () => {
      observations += 1;
    },
  });
  const harness = await startHarness({
    appFn: bot.appFn,
    appIdle: bot.idle,
    repos: names.map((name) => ({ name, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] })),
  });
  github.harness = harness;
  try {
    const store = harness.twin.store;
    // Every environment runs its service's newest build: the fixture's tags become real commits, as in
    // bench/reconcile.bench.ts, so the observations name builds the app can find.
    const deployed = new Map<string, string>();
    for (const name of names) {
      const repo = harness.repo("acme", name);
      const sha = await store.commitFiles(repo, "main", [{ path: "VERSION", content: "1\n" }], "build");
      store.recordWorkflowRun(repo, { headSha: sha, headBranch: "main" });
      deployed.set(name, sha);
    }
    const fileCount = await createDeployedManifests(store, SERVICES, deployed);
    const repoURL = `${harness.twin.urls.web}/acme/manifests.git`;
    for (const name of names)
      for (const env of ENVIRONMENTS)
        argocd.createApplication({
          name: `${name}-${env}`,
          repo: "acme/manifests",
          repoURL,
          path: `apps/${name}/overlays/${env}`,
          targetRevision: "main",
          labels: { env },
        });
    log(`setup: ${SERVICES} source repositories, ${fileCount} manifests files in ${Date.now() - started} ms`);
    await syncAll(argocd);

    const passes: Array<{ argocd: number; github: number; observations: number }> = [];
    for (let pass = 1; pass <= PASSES; pass++) {
      const argocdBefore = argocd.requests.total;
      observations = 0;
      harness.twin.counters.reset();
      const watch = setInterval(
        () =>
          log(
            `  ... ${observations} observations, ${harness.twin.counters.total} GitHub requests, Argo CD ${argocd.requests.total}`,
          ),
        10_000,
      );
      await bot.reconcile(harness.installation.id).finally(() => clearInterval(watch));
      await harness.idle();
      passes.push({
        argocd: argocd.requests.total - argocdBefore,
        github: harness.twin.counters.total,
        observations,
      });
      log(
        `pass ${pass}: ${JSON.stringify(passes.at(-1))}, Argo CD ${JSON.stringify(Object.fromEntries(argocd.requests.byRoute))}, ` +
          `GitHub ${JSON.stringify(harness.twin.counters.snapshot().byRoute)}`,
      );
    }
    if (argocd.violations.length > 0 || harness.twin.violations.length > 0)
      throw new Error(`twin violations:\n${[...argocd.violations, ...harness.twin.violations].join("\n")}`);
    const requests = passes.map((pass) => pass.argocd);
    return [
      {
        key: "argocdRequestsPerPass",
        label: `feedback: requests to Argo CD per reconciliation pass (${SERVICES} services x ${ENVIRONMENTS.length} environments, ${SERVICES * ENVIRONMENTS.length} applications), each of ${PASSES} passes`,
        value: median(requests),
        unit: "requests",
        runs: requests,
        target: { op: "=", value: 1, everyRun: true },
      },
      {
        key: "argocdObservationsPerPass",
        label: "  applications that one request placed in an environment (observations per pass)",
        value: median(passes.map((pass) => pass.observations)),
        unit: "observations",
      },
      {
        key: "argocdPassGithubRequestsFirst",
        label: "  GitHub requests of the first pass with Argo CD on (nothing cached, nothing tracked)",
        value: passes[0]!.github,
        unit: "requests",
      },
      {
        key: "argocdPassGithubRequestsSteady",
        label: "  GitHub requests of the next pass (no drift, Argo CD's word unchanged)",
        value: passes[1]!.github,
        unit: "requests",
      },
    ];
  } finally {
    await argocd.close();
    await harness.close();
  }
}
