// Closing the loop (#16): what an Argo CD observation costs on GitHub and how soon the deployment on the
// source commit says `success`, with the real app behind the real Probot server (production Octokit)
// and two Argo CD twins (one for dev, one for prod, so each observation is measured alone) whose
// notifications reach the app's /api/argocd; and the API poll's requests to Argo CD per reconciliation
// pass (bench/feedback-poll.bench.ts). Counts are counts; the latency is the median of several runs.
import { manifestsRepoFiles } from "../twin/fixtures/manifests-repo.js";
import { startArgoCdTwin } from "../twin/argocd/harness.js";
import type { ArgoCdTwin } from "../twin/argocd/argocd-twin.js";
import type { Application } from "../twin/argocd/application.js";
import type { Measurement } from "./run.js";
import { median, type Target } from "./targets.js";
import { startFeedbackRig, whenTrue, type FeedbackRig } from "./feedback-rig.js";
import { argocdPollBenchmarks } from "./feedback-poll.bench.js";

const SECRET = "bench-argocd-notifications-secret-0123";
/** dev is not a production environment (GitHub applies auto_inactive); prod is. Both by commit. */
const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/overlays/dev/**"] }
  prod: { paths: ["apps/*/overlays/prod/**"] }
report:
  statuses: true
  deployments: true
`;
const SERVICE = "web";
const LATENCY_MS = 100;
const RUNS = Number(process.env["BENCH_FEEDBACK_RUNS"] ?? 5);
const RESTART_RUNS = Number(process.env["BENCH_FEEDBACK_RESTART_RUNS"] ?? 3);
const BUSY_RUNS = Number(process.env["BENCH_FEEDBACK_BUSY_RUNS"] ?? 3);
/**
 * How long after the build landed (the app's last write) Argo CD starts to sync: more than the second
 * Probot's throttling keeps between two writes of the process, as a real sync and rollout take. The
 * busy runs sync at once, while that second still runs.
 */
const GAP_MS = 1500;
/** A hang guard, not a figure: one observation's work takes a few hundred ms. */
const WAIT_MS = 120_000;
const log = (text: string) => console.log(`  [feedback] ${text}`);

interface Observed {
  readonly requests: number;
  readonly byRoute: Record<string, number>;
  /** Notification sent by the Argo CD twin -> deployment status `success` written in the GitHub twin. */
  readonly latencyMs: number;
}

interface Loop {
  readonly rig: FeedbackRig;
  readonly argocd: Record<"dev" | "prod", ArgoCdTwin>;
  build(): Promise<{ sha: string; revision: string }>;
  /** Argo CD syncs `env` to `revision`; the app hears of it; what that cost and how long it took. */
  /** `gapMs`: how long after the build landed Argo CD starts to sync. */
  observe(env: "dev" | "prod", sha: string, revision: string, gapMs: number): Promise<Observed>;
  close(): Promise<void>;
}

async function startLoop(): Promise<Loop> {
  const rig = await startFeedbackRig(
    {
      batchWindowMs: 200,
      scheduleTickMs: 0,
      gateTickMs: 0,
      warmUp: false,
      argocd: { webhookSecret: SECRET },
    },
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          ...manifestsRepoFiles({ services: 3, environments: ["dev", "prod"] }),
        ],
      },
      { name: SERVICE, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] },
    ],
  );
  const { harness } = rig;
  const github = harness.twin;
  const repoURL = `${github.urls.web}/acme/manifests.git`;
  // pollMs 0: the twins move only when the benchmark reconciles them, one observation at a time.
  const twin = async (env: "dev" | "prod") => {
    const argocd = await startArgoCdTwin(github, {
      pollMs: 0,
      syncDelayMs: 0,
      healthDelayMs: 0,
      notifications: {
        webhookUrl: rig.notificationUrl,
        secrets: { "gitops-image-bot-secret": SECRET },
        context: { argocdUrl: `https://argocd-${env}.example.com` },
      },
    });
    argocd.createApplication({
      name: `${SERVICE}-${env}`,
      repo: "acme/manifests",
      repoURL,
      path: `apps/${SERVICE}/overlays/${env}`,
      targetRevision: "main",
    });
    return argocd;
  };
  const argocd = { dev: await twin("dev"), prod: await twin("prod") };
  const manifests = harness.repo("acme", "manifests");
  const source = harness.repo("acme", SERVICE);
  let counter = 0;
  const deploymentOf = (sha: string, env: string) =>
    [...source.deployments.values()].find((one) => one.sha === sha && one.environment === env);
  const healthyAt = (revision: string) => (app: Application) =>
    app.status.sync.status === "Synced" &&
    app.status.sync.revision === revision &&
    app.status.health.status === "Healthy" &&
    app.status.operationState?.phase === "Succeeded";

  return {
    rig,
    argocd,
    build: async () => {
      const sha = await github.store.commitFiles(
        source,
        "main",
        [{ path: "src/version.txt", content: `${++counter}\n` }],
        `change ${counter}`,
      );
      const { payload } = harness.workflowRunPayload("acme", SERVICE, {
        headSha: sha,
        headBranch: "main",
        event: "push",
      });
      await harness.send("workflow_run", payload);
      await harness.idle();
      const revision = (await manifests.git.getRef("refs/heads/main"))!;
      for (const env of ["dev", "prod"])
        if (deploymentOf(sha, env)?.statuses.at(-1)?.state !== "in_progress")
          throw new Error(`the build ${sha} is not in_progress in ${env} after it landed`);
      return { sha, revision };
    },
    observe: async (env, sha, revision, gapMs) => {
      const twin = argocd[env];
      const sentBefore = rig.notifications.length;
      const success = whenTrue(
        () => deploymentOf(sha, env)?.statuses.some((status) => status.state === "success") ?? false,
        WAIT_MS,
        `deployment success of ${sha.slice(0, 7)} in ${env}`,
      );
      github.counters.reset();
      if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
      await twin.waitFor(`${SERVICE}-${env}`, healthyAt(revision), WAIT_MS);
      await twin.notifications!.settled();
      const writtenAt = await success;
      await harness.idle();
      const sent = rig.notifications
        .slice(sentBefore)
        .filter((one) => one.application === `${SERVICE}-${env}` && one.revision === revision);
      if (sent.length !== 1 || sent[0]!.status !== 202)
        throw new Error(`expected one accepted notification for ${env}, got ${JSON.stringify(sent)}`);
      return {
        requests: github.counters.total,
        byRoute: github.counters.snapshot().byRoute,
        latencyMs: writtenAt - sent[0]!.at,
      };
    },
    close: async () => {
      const violations = [...argocd.dev.violations, ...argocd.prod.violations, ...github.violations];
      await argocd.dev.close();
      await argocd.prod.close();
      await rig.close();
      if (violations.length > 0) throw new Error(`twin violations:\n${violations.join("\n")}`);
    },
  };
}

const describe = (one: Observed) =>
  `${one.requests} requests ${JSON.stringify(one.byRoute)}, ${one.latencyMs} ms`;

type Add = (key: string, label: string, runs: readonly number[], unit: string, target?: Target) => void;

async function deployFigures(add: Add): Promise<void> {
  const loop = await startLoop();
  try {
    const { harness } = loop.rig;
    // The applications' first sync (the fixture's tags, no deployment of the app's): warms nothing that counts.
    const first = (await harness.repo("acme", "manifests").git.getRef("refs/heads/main"))!;
    for (const env of ["dev", "prod"] as const) {
      await loop.argocd[env].waitFor(`${SERVICE}-${env}`, (app) => app.status.health.status === "Healthy");
      await loop.argocd[env].notifications!.settled();
    }
    await harness.idle();
    log(`applications synced at ${first.slice(0, 7)}`);
    // A first build reaches Healthy everywhere: later builds have an older deployment to replace.
    const warm = await loop.build();
    for (const env of ["dev", "prod"] as const) await loop.observe(env, warm.sha, warm.revision, GAP_MS);
    harness.twin.faults.setLatency("*", LATENCY_MS);

    const dev: Observed[] = [];
    const prod: Observed[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const { sha, revision } = await loop.build();
      dev.push(await loop.observe("dev", sha, revision, GAP_MS));
      prod.push(await loop.observe("prod", sha, revision, GAP_MS));
      log(`run ${run}: dev ${describe(dev.at(-1)!)}; prod ${describe(prod.at(-1)!)}`);
    }
    const busy: Observed[] = [];
    for (let run = 1; run <= BUSY_RUNS; run++) {
      const { sha, revision } = await loop.build();
      busy.push(await loop.observe("dev", sha, revision, 0));
      await loop.observe("prod", sha, revision, GAP_MS);
      log(`right after the build's writes ${run}: dev ${describe(busy.at(-1)!)}`);
    }
    const restarted: Observed[] = [];
    for (let run = 1; run <= RESTART_RUNS; run++) {
      const { sha, revision } = await loop.build();
      await loop.rig.restartApp();
      restarted.push(await loop.observe("dev", sha, revision, GAP_MS));
      await loop.observe("prod", sha, revision, GAP_MS);
      log(`after restart ${run}: dev ${describe(restarted.at(-1)!)}`);
    }
    const requests = (list: Observed[]) => list.map((one) => one.requests);
    const latency = (list: Observed[]) => list.map((one) => one.latencyMs);
    add(
      "feedbackRequestsPerDeploy",
      "feedback: GitHub requests from Argo CD's Healthy notification to the deployment and commit status (dev, a tracked deployment)",
      requests(dev),
      "requests",
      { op: "<=", value: 2, everyRun: true },
    );
    add(
      "feedbackRequestsPerDeployProd",
      "  the same in prod (a production environment: GitHub applies no auto_inactive, the app marks the older deployment inactive)",
      requests(prod),
      "requests",
    );
    add(
      "feedbackRequestsPerDeployAfterRestart",
      "  the first observation after the app restarted (installation, token, config, the deployment found again)",
      requests(restarted),
      "requests",
    );
    add(
      "feedbackLatencyMs",
      `feedback: notification sent by Argo CD -> deployment status success written (dev, ${LATENCY_MS} ms per GitHub request, Argo CD syncing ${GAP_MS / 1000} s after the build landed)`,
      latency(dev),
      "ms",
      { op: "<", value: 1000 },
    );
    add("feedbackLatencyMsProd", "  the same in prod", latency(prod), "ms");
    add(
      "feedbackLatencyMsRightAfterWrite",
      "  dev, Argo CD Healthy at once after the build landed (the deployment status waits for Probot's write throttling: 1 s after the app's last write)",
      latency(busy),
      "ms",
    );
    add(
      "feedbackLatencyMsAfterRestart",
      "  the first observation after the app restarted",
      latency(restarted),
      "ms",
    );
  } finally {
    await loop.close();
  }
}

export async function feedbackBenchmarks(): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const add: Add = (key, label, runs, unit, target) =>
    out.push({ key, label, value: median(runs), unit, runs, ...(target ? { target } : {}) });
  const parts = process.env["BENCH_FEEDBACK_PARTS"] ?? "deploy,poll";
  if (parts.includes("deploy")) await deployFigures(add);
  if (parts.includes("poll")) out.push(...(await argocdPollBenchmarks()));
  return out;
}
