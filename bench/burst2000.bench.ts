// A mass rebuild (a base-image update rebuilds every service): 2,000 signed workflow_run deliveries
// within 5 s for 320 source repositories (6 or 7 builds each, older ones sent after newer ones), against
// the app run as in production (its own process, NODE_ENV=production, the Dockerfile's NODE_OPTIONS) and
// the twin, on 127.0.0.1 only. Bounded: 2,000 deliveries, then at most BURST2000_DEADLINE_MS for the
// decisions; it stops by itself. Checked: the process stays up, /healthz answers throughout, every build
// ends written or skipped with a reason (the app's outcome counters), each overlay runs its service's newest.
import { serviceNames } from "../twin/fixtures/manifests-repo.js";
import { ENVIRONMENTS, startRig, type Add } from "./app.bench.js";

/** BENCH_BURST2000_SERVICES and _BUILDS shrink it while working on the benchmark (the figures' keys stay). */
const SERVICES = Number(process.env["BENCH_BURST2000_SERVICES"] ?? 320);
const BUILDS = Number(process.env["BENCH_BURST2000_BUILDS"] ?? 2000);
const SEND_WITHIN_MS = 5000;
const LATENCY_MS = 100;
/** From the first delivery: how long the app may take to decide every build before the figures are taken. */
const BURST2000_DEADLINE_MS = 600_000;
const HEALTH_EVERY_MS = 250;
/** A /healthz answer slower than this counts as a miss (the probe of an orchestrator gives up). */
const HEALTH_TIMEOUT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (text: string) => console.log(`  [app] ${text}`);

/** Per service, the order its builds are sent in (0 = its oldest commit): each pair swapped, older after newer. */
function sendOrder(builds: number): number[] {
  const order = Array.from({ length: builds }, (_, n) => n);
  for (let n = 0; n + 1 < builds; n += 2) [order[n], order[n + 1]] = [order[n + 1]!, order[n]!];
  return order;
}

/** The promise's value, or a rejection when it takes longer (a dead process never answers over IPC). */
function withinMs<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** The sum of a counter's samples in Prometheus text. */
function counterSum(text: string, metric: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${metric}(\\{[^}]*\\})? (\\d+(?:\\.\\d+)?)$`).exec(line);
    if (match) sum += Number(match[2]);
  }
  return sum;
}

const outcomesOf = (text: string) =>
  counterSum(text, "gitops_image_bot_updates_written_total") +
  counterSum(text, "gitops_image_bot_updates_skipped_total");

/** Probes /healthz every 250 ms until stopped: how many probes, how many failed or timed out. */
function healthProbe(url: string) {
  let probes = 0;
  let misses = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      probes += 1;
      try {
        const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
        await response.arrayBuffer();
        if (response.status !== 200) misses += 1;
      } catch {
        misses += 1;
      }
      await sleep(HEALTH_EVERY_MS);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { probes, misses };
    },
  };
}

export async function burst2000(add: Add): Promise<void> {
  const names = serviceNames(SERVICES);
  const setupStarted = Date.now();
  const rig = await startRig(SERVICES, names, LATENCY_MS);
  const { harness } = rig;
  try {
    // Each service's builds: commits on its main; the newest is the last.
    const perService = names.map(
      (_, index) => Math.floor(BUILDS / SERVICES) + (index < BUILDS % SERVICES ? 1 : 0),
    );
    const lines = new Map<string, string[]>();
    for (const [index, name] of names.entries()) {
      const line: string[] = [];
      for (let n = 0; n < perService[index]!; n++) line.push(await rig.commitSource(name));
      lines.set(name, line);
    }
    log(
      `burst2000: ${SERVICES} services, ${BUILDS} source commits, set up in ${Date.now() - setupStarted} ms`,
    );
    // Round by round: every service's build order[k], so a service's builds spread over the burst.
    const queue: { name: string; sha: string }[] = [];
    const maxBuilds = Math.max(...perService);
    const orders = new Map(names.map((name) => [name, sendOrder(lines.get(name)!.length)]));
    for (let k = 0; k < maxBuilds; k++)
      for (const name of names) {
        const n = orders.get(name)![k];
        if (n !== undefined) queue.push({ name, sha: lines.get(name)![n]! });
      }
    const outcomesBefore = outcomesOf(await rig.appMetrics());
    const commitsBefore = rig.commits;
    const health = healthProbe(rig.appUrl());
    const started = Date.now();
    const sent: Promise<{ status: number | string }>[] = [];
    for (const [index, build] of queue.entries()) {
      const due = started + Math.floor((index * SEND_WITHIN_MS) / BUILDS);
      if (due > Date.now()) await sleep(due - Date.now());
      sent.push(rig.sendBuild(build.name, build.sha).sent as Promise<{ status: number | string }>);
    }
    const sendingMs = Date.now() - started;
    const answers = await Promise.all(sent);
    const refused = answers.filter(
      (answer) => typeof answer.status !== "number" || answer.status >= 300,
    ).length;
    log(`burst2000: ${BUILDS} deliveries sent in ${sendingMs} ms, ${refused} not accepted`);
    // Every build concerns each of the 3 environments: one outcome (written or skipped) per pair.
    const expected = BUILDS * ENVIRONMENTS.length;
    let decided = 0;
    let processUp = true;
    while (Date.now() < started + BURST2000_DEADLINE_MS) {
      try {
        decided = outcomesOf(await withinMs(rig.appMetrics(), 30_000)) - outcomesBefore;
      } catch {
        processUp = false;
        break;
      }
      if (decided >= expected) break;
      await sleep(500);
    }
    const decidedMs = Date.now() - started;
    const { probes, misses } = await health.stop();
    const peakRss = processUp ? await withinMs(rig.appPeakRss(), 30_000) : Number.NaN;
    let behind = 0;
    for (const name of names)
      for (const env of ENVIRONMENTS) {
        const text = await harness.file(
          "acme",
          "manifests",
          `apps/${name}/overlays/${env}/kustomization.yaml`,
        );
        if (text?.match(/newTag: "?([^"\s]*)"?/)?.[1] !== lines.get(name)!.at(-1)) behind += 1;
      }
    log(
      `burst2000: ${decided} of ${expected} outcomes after ${decidedMs} ms, ${behind} overlays behind, ` +
        `/healthz ${probes - misses}/${probes}, peak RSS ${Math.round(peakRss / 1048576)} MB`,
    );
    const none = { op: "=", value: 0, everyRun: true } as const;
    add(
      "burst2000Lost",
      "burst2000: builds (per environment) neither written nor skipped with a reason, plus deliveries not accepted",
      Math.max(0, expected - decided) + refused,
      "outcomes",
      none,
    );
    add(
      "burst2000OverlaysBehind",
      "  overlays not at their service's newest build",
      behind,
      "overlays",
      none,
    );
    add(
      "burst2000HealthzMisses",
      "  /healthz probes failed or slower than 5 s during it",
      misses,
      "probes",
      none,
    );
    add("burst2000HealthzProbes", "  /healthz probes sent (every 250 ms)", probes, "probes");
    add("burst2000SendMs", "  the 2,000 deliveries sent within", sendingMs, "ms", { op: "<=", value: 6000 });
    add("burst2000DecidedMs", "  first delivery to every build decided", decidedMs, "ms");
    add("burst2000Commits", "  the app's commits", rig.commits - commitsBefore, "commits");
    add("burst2000ProcessUp", "  the app process up at the end (1 = yes)", processUp ? 1 : 0, "", {
      op: "=",
      value: 1,
      everyRun: true,
    });
    add("burst2000PeakRssMb", "burst2000: the app process's peak RSS", Math.round(peakRss / 1048576), "MB", {
      op: "<=",
      value: 200,
    });
  } finally {
    await harness.close();
  }
}
