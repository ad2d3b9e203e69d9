// The fleet (#19): three replicas of the built app, each in its own process, on one real Redis
// (Debian's redis-server, started here on a free port), behind a balancer that plays the Kubernetes
// Service, against the twin at 100 ms a request. #11's burst (300 services, one build every 200 ms,
// spread across the replicas), then the first build on a freshly started replica against a warm one.
// BENCH_FLEET_RUNS (default 3) sets the runs.
import { randomUUID } from "node:crypto";
import { serviceNames } from "../twin/fixtures/manifests-repo.js";
import { startRedis } from "../test/helpers/redis-server.js";
import { CONFIG, ENVIRONMENTS, LATENCY_MS } from "./app.bench.js";
import { serviceRepos, startFleet, type FleetRig } from "./fleet-rig.js";
import type { Measurement } from "./run.js";
import { median, type Target } from "./targets.js";

const RUNS = Number(process.env["BENCH_FLEET_RUNS"] ?? 3);
const SERVICES = 300;
const REPLICAS = 3;
const SPACING_MS = 200;
const DEADLINE_MS = 240_000;
const CONTENT_LIMIT_PER_MINUTE = 80;
/** Lone warm builds after the cold one: their median is the warm update. */
const WARM_BUILDS = 3;
const log = (text: string) => console.log(`  [fleet] ${text}`);
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface RunFigures {
  readonly p95Ms: number;
  readonly p50Ms: number;
  readonly commits: number;
  readonly lost: number;
  readonly peakContentPerMinute: number;
  readonly refusals: number;
  readonly coldUpdateMs: number;
  readonly warmUpdateMs: number;
}

export async function fleetBenchmarks(): Promise<Measurement[]> {
  const figures: RunFigures[] = [];
  for (let run = 1; run <= RUNS; run += 1) figures.push(await fleetRun(run));
  const measurements: Measurement[] = [];
  const add = (
    key: string,
    label: string,
    pick: (run: RunFigures) => number,
    unit: string,
    target?: Target,
  ) => {
    const runs = figures.map(pick);
    measurements.push({ key, label, value: median(runs), unit, runs, ...(target ? { target } : {}) });
  };
  const none = { op: "=", value: 0, everyRun: true } as const;
  add("fleetBurstP95Ms", "fleet burst (3 replicas, Redis): event to commit, p95", (f) => f.p95Ms, "ms", {
    op: "<=",
    value: 10_000,
  });
  add("fleetBurstP50Ms", "  p50", (f) => f.p50Ms, "ms");
  add("fleetCommits", "fleet burst: the replicas' commits on main", (f) => f.commits, "commits", {
    op: "<=",
    value: 15,
  });
  add("fleetLost", "fleet burst: overlays not at their build's SHA", (f) => f.lost, "overlays", none);
  add(
    "fleetPeakContentPerMinute",
    "fleet burst: peak content-creating requests all replicas sent in any 60 s (counted by the twin)",
    (f) => f.peakContentPerMinute,
    "requests",
    { op: "<", value: CONTENT_LIMIT_PER_MINUTE },
  );
  add("fleetRefusals", "  refused with GitHub's secondary limit", (f) => f.refusals, "requests", none);
  add(
    "fleetColdUpdateMs",
    "first build on a freshly started replica (Redis warm)",
    (f) => f.coldUpdateMs,
    "ms",
  );
  add(
    "fleetWarmUpdateMs",
    "  a lone build on the same replica once warm (median of 3)",
    (f) => f.warmUpdateMs,
    "ms",
  );
  add(
    "fleetColdVsWarm",
    "fleet: first build on a fresh replica / warm build",
    (f) => f.coldUpdateMs / f.warmUpdateMs,
    "",
    {
      op: "<=",
      value: 1.5,
    },
  );
  return measurements;
}

async function fleetRun(run: number): Promise<RunFigures> {
  const redis = await startRedis();
  const names = serviceNames(SERVICES);
  const fleet = await startFleet({
    replicas: REPLICAS,
    redisUrl: redis.url,
    repos: serviceRepos(CONFIG, names, ENVIRONMENTS),
  });
  try {
    fleet.harness.twin.faults.setLatency("*", LATENCY_MS);
    const burst = await burstOf(fleet, names);
    const cold = await coldAndWarm(fleet, names);
    log(
      `run ${run}: p95 ${burst.p95Ms} ms, ${burst.commits} commits, ${burst.lost} lost, peak ${burst.peakContentPerMinute}/min, ` +
        `${burst.refusals} refusals; cold ${cold.coldUpdateMs} ms, warm ${cold.warmUpdateMs} ms`,
    );
    return { ...burst, ...cold };
  } finally {
    await fleet.close();
    await redis.stop();
  }
}

let counter = 0;

async function commitSource(fleet: FleetRig, name: string): Promise<string> {
  counter += 1;
  return fleet.harness.twin.store.commitFiles(
    fleet.harness.repo("acme", name),
    "main",
    [{ path: "src/version.txt", content: `${counter}\n` }],
    `change ${counter}`,
  );
}

/** Sends a build's webhook (through the balancer) until a replica accepts it; resolves with when it was first sent. */
function sendBuild(
  fleet: FleetRig,
  name: string,
  sha: string,
): { id: string; sentAt: number; sent: Promise<void> } {
  const { payload } = fleet.harness.workflowRunPayload("acme", name, {
    headSha: sha,
    headBranch: "main",
    event: "push",
  });
  const id = randomUUID();
  const sentAt = Date.now();
  const sent = (async () => {
    for (
      let attempt = 0;
      (await fleet.harness.send("workflow_run", payload, attempt === 0 ? id : randomUUID())).status !== 200;
      attempt += 1
    ) {
      if (attempt > 100) throw new Error(`no replica accepted the build of ${name}`);
      await sleep(100);
    }
  })();
  return { id, sentAt, sent };
}

async function burstOf(fleet: FleetRig, names: readonly string[]) {
  const { harness } = fleet;
  const shas = new Map<string, string>();
  for (const name of names) shas.set(name, await commitSource(fleet, name));
  await fleet.idle();
  harness.twin.counters.reset();
  const commitsBefore = fleet.commits.length;
  const started = Date.now();
  const builds: Array<{ id: string; sentAt: number; sent: Promise<void> }> = [];
  for (const [index, name] of names.entries()) {
    const due = started + index * SPACING_MS;
    if (due > Date.now()) await sleep(due - Date.now());
    builds.push(sendBuild(fleet, name, shas.get(name)!));
  }
  await Promise.all(builds.map((build) => build.sent));
  while (builds.some((build) => !fleet.committedAt.has(build.id)) && Date.now() < started + DEADLINE_MS)
    await sleep(100);
  const latencies = builds.flatMap((build) => {
    const at = fleet.committedAt.get(build.id);
    return at === undefined ? [] : [at - build.sentAt];
  });
  // Every 60 s window holding one of the burst's commits counted whole (statuses trail the commits).
  const lastCommit = Math.max(started, ...fleet.committedAt.values());
  if (lastCommit + 60_000 > Date.now()) await sleep(lastCommit + 60_000 - Date.now());
  let lost = 0;
  for (const name of names)
    for (const env of ENVIRONMENTS) {
      const text = await harness.file("acme", "manifests", `apps/${name}/overlays/${env}/kustomization.yaml`);
      if (!text?.includes(`newTag: "${shas.get(name)!}"`)) lost += 1;
    }
  return {
    p95Ms: percentile(latencies, 95),
    p50Ms: percentile(latencies, 50),
    commits: fleet.commits.length - commitsBefore,
    lost,
    peakContentPerMinute: harness.twin.counters.maxContentCreatingPerMinute("received"),
    refusals: harness.twin.counters.secondaryLimitRefused.length,
  };
}

/**
 * All replicas stopped (SIGTERM: the burst's statuses still waiting in their pacers are dropped, as in a
 * rollout); one started afresh, Redis keeping what the fleet knew: its first build, then a warm one, each
 * timed from the webhook to the commit that carries it.
 */
async function coldAndWarm(fleet: FleetRig, names: readonly string[]) {
  for (const replica of fleet.replicas) await replica.stop("SIGTERM");
  const fresh = fleet.replicas[0]!;
  await fresh.start();
  const timed = async (name: string): Promise<number> => {
    const sha = await commitSource(fleet, name);
    const build = sendBuild(fleet, name, sha);
    await build.sent;
    while (!fleet.committedAt.has(build.id)) await sleep(10);
    return fleet.committedAt.get(build.id)! - build.sentAt;
  };
  const coldUpdateMs = await timed(names[0]!);
  // Then warm ones on the same replica, each a lone build (a window and its reports' slots after the
  // last): the median of WARM_BUILDS, since one lone build's time varies with what the replica still does.
  const warm: number[] = [];
  for (let index = 1; index <= WARM_BUILDS; index += 1) {
    await sleep(8_000);
    warm.push(await timed(names[index]!));
  }
  log(`cold ${coldUpdateMs} ms; warm ${warm.join(", ")} ms`);
  return { coldUpdateMs, warmUpdateMs: median(warm) };
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
