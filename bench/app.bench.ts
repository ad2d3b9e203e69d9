// The whole app (createBot behind the real Probot server, with the Octokit production runs with:
// Probot's, throttling and retries on, writes spaced and reads not) in its own process, against the
// GitHub twin at 100 ms per request. BENCH_BURST_RUNS (default 3) sets how often the 300-service part
// runs; BENCH_APP_PARTS=size, =quiet (the quiet single update alone; BENCH_QUIET_RUNS, default 5),
// =burst, =burst2000 (bench/burst2000.bench.ts) or =peers (bench/peers.bench.ts) runs one part only, BENCH_TWIN_CONTENT_PER_MINUTE
// lowers the twin's secondary limit (while working on the benchmark: to see refusals counted and the
// targets missed).
import { randomUUID } from "node:crypto";
import { startHarness, type Harness } from "../twin/harness.js";
import { manifestsRepoFiles, serviceNames } from "../twin/fixtures/manifests-repo.js";
import { peakInWindow } from "../twin/faults.js";
import type { Measurement } from "./run.js";
import { median, type Target } from "./targets.js";
import { burst2000 } from "./burst2000.bench.js";
import { forkApp, type AppCommit, type ContentRequest } from "./app-child.js";
import { peerComparison } from "./peers.bench.js";

/** The manifests repository's config of both app benchmarks: 3 environments, commits, statuses on. */
export const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/overlays/dev/**"] }
  qa: { paths: ["apps/*/overlays/qa/**"] }
  prod: { paths: ["apps/*/overlays/prod/**"] }
report:
  statuses: true
  deployments: false
`;
export const ENVIRONMENTS = ["dev", "qa", "prod"] as const;
const STATUS_ROUTE = "POST /repos/{owner}/{repo}/statuses/{sha}";
export const LATENCY_MS = 100;
/** The burst sends one build every 200 ms: 300 builds over 60 s. */
const BURST_SPACING_MS = 200;
/** How long the burst may take, from its first build, before the figures are taken as they stand. */
const BURST_DEADLINE_MS = 240_000;
/** Runs of the 300-service part (cold update, updates, burst), each with a fresh twin and app. */
const BURST_RUNS = Number(process.env["BENCH_BURST_RUNS"] ?? 3);
/** First updates after a start, per repository size: the app started anew before each. */
const COLD_RUNS = 3;
/** GitHub's secondary limit on content-creating requests: 80 in any minute. */
const CONTENT_LIMIT_PER_MINUTE = 80;

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (text: string) => console.log(`  [app] ${text}`);

export interface Rig {
  readonly harness: Harness;
  /** When the app's commit carrying each build (by delivery id) landed. */
  readonly committedAt: Map<string, number>;
  commits: number;
  commitSource(name: string): Promise<string>;
  sendBuild(name: string, sha: string): { id: string; sentAt: number; sent: Promise<unknown> };
  /** The app process's peak resident memory so far, in bytes. */
  appPeakRss(): Promise<number>;
  /** The content-creating requests the app process sent (each attempt), with when and GitHub's answer. */
  appContentRequests(): Promise<ContentRequest[]>;
  /** The app's Prometheus metrics text (its outcome counters), read over IPC. */
  appMetrics(): Promise<string>;
  /** Where the app's server listens (127.0.0.1). */
  appUrl(): string;
  /** Stops the app process and starts a new one with the same settings: nothing cached, no token. */
  restartApp(): Promise<void>;
}

let counter = 0;

export async function startRig(
  services: number,
  sources: readonly string[],
  latencyMs: number,
): Promise<Rig> {
  const committedAt = new Map<string, number>();
  const rig = { commits: 0, committedAt };
  const onCommit = (commit: AppCommit): void => {
    if (commit.repo !== "manifests") return;
    rig.commits += 1;
    for (const id of commit.builds) if (!committedAt.has(id)) committedAt.set(id, commit.at);
  };
  let app: Awaited<ReturnType<typeof forkApp>> | undefined;
  let appEnv: Record<string, string> = {};
  const harness = await startHarness({
    startApp: async (env) => {
      appEnv = env;
      app = await forkApp(env, onCommit);
      return { stop: () => app!.stop() };
    },
    appIdle: () => app!.idle(),
    repos: [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          ...manifestsRepoFiles({ services, environments: ENVIRONMENTS }),
        ],
      },
      ...sources.map((name) => ({ name, files: [{ path: "Dockerfile", content: "FROM scratch\n" }] })),
    ],
  });
  harness.twin.faults.setLatency("*", latencyMs);
  // A lower secondary limit in the twin (to see refusals counted and the run fail), never a higher one.
  const limit = Number(process.env["BENCH_TWIN_CONTENT_PER_MINUTE"] ?? CONTENT_LIMIT_PER_MINUTE);
  harness.twin.faults.contentCreatingPerMinute = Math.min(limit, CONTENT_LIMIT_PER_MINUTE);
  return Object.assign(rig, {
    harness,
    appPeakRss: () => app!.peakRss(),
    appContentRequests: () => app!.contentRequests(),
    appMetrics: () => app!.metricsText(),
    appUrl: () => `http://127.0.0.1:${appEnv["PORT"] ?? ""}`,
    restartApp: async () => {
      await app!.stop();
      app = await forkApp(appEnv, onCommit);
    },
    commitSource: (name: string) =>
      harness.twin.store.commitFiles(
        harness.repo("acme", name),
        "main",
        [{ path: "src/version.txt", content: `${++counter}\n` }],
        `change ${counter}`,
      ),
    sendBuild: (name: string, sha: string) => {
      // As GitHub sends it: head_repository is the repository itself (a fork's build never deploys).
      const { payload } = harness.workflowRunPayload("acme", name, {
        headSha: sha,
        headBranch: "main",
        event: "push",
      });
      const id = randomUUID();
      const sentAt = Date.now();
      return { id, sentAt, sent: harness.send("workflow_run", payload, id) };
    },
  });
}

async function tagOf(harness: Harness, service: string, env: string): Promise<string | undefined> {
  const text = await harness.file("acme", "manifests", `apps/${service}/overlays/${env}/kustomization.yaml`);
  return text?.match(/newTag: "?([^"\s]*)"?/)?.[1];
}

function fileCount(services: number): number {
  return manifestsRepoFiles({ services, environments: ENVIRONMENTS }).length + 1;
}

/** Sends a build of a new commit of `name` and waits until the app is idle: event-to-commit time. */
async function timedUpdate(rig: Rig, name: string, what: string): Promise<number> {
  const sha = await rig.commitSource(name);
  const build = rig.sendBuild(name, sha);
  await build.sent;
  await rig.harness.idle();
  const at = rig.committedAt.get(build.id);
  if (at === undefined) throw new Error(`${what} did not land`);
  log(`  ${what}: ${at - build.sentAt} ms to commit, ${Date.now() - build.sentAt} ms to idle`);
  return at - build.sentAt;
}

interface SizeTimes {
  /** Event-to-commit times of updates after the first (the app's caches warm), `warmRuns` of them. */
  readonly warm: number[];
  /** Event-to-commit times of the first update after the app (re)started, `coldRuns` of them. */
  readonly cold: number[];
}

/**
 * Update times in a repository of `services`: the first update after the app started, `warmRuns`
 * updates after it, then `coldRuns - 1` times: the app stopped, started anew, and its first update.
 */
async function updateTimes(
  services: number,
  warmRuns: number,
  coldRuns: number,
  latencyMs: number,
): Promise<SizeTimes> {
  const names = serviceNames(services);
  const setup = Date.now();
  const rig = await startRig(services, names.slice(0, 2), latencyMs);
  log(`${services} services, latency ${latencyMs} ms: set up in ${Date.now() - setup} ms`);
  const where = `in the ${services}-service repository`;
  try {
    const cold = [await timedUpdate(rig, names[0]!, `first update after start ${where}`)];
    const warm: number[] = [];
    for (let run = 1; run <= warmRuns; run++)
      warm.push(await timedUpdate(rig, names[run % 2]!, `warm update ${run} ${where}`));
    while (cold.length < coldRuns) {
      await rig.restartApp();
      cold.push(await timedUpdate(rig, names[cold.length % 2]!, `first update after restart ${where}`));
    }
    return { warm, cold };
  } finally {
    await rig.harness.close();
  }
}

const ratio = (big: number, small: number) => Math.round((big / small) * 100) / 100;

export type Add = (
  key: string,
  label: string,
  value: number,
  unit: string,
  target?: Target,
  runs?: readonly number[],
) => void;

/** 3. Repository size: ~30 files against ~3,000 (6 files per service with 3 environments). */
async function sizeBenchmarks(add: Add): Promise<void> {
  const smallServices = 5;
  const bigServices = 500;
  const [smallFiles, bigFiles] = [fileCount(smallServices), fileCount(bigServices)];
  log(`repository size: ${smallFiles} vs ${bigFiles} files`);
  const small = await updateTimes(smallServices, 5, COLD_RUNS, LATENCY_MS);
  const big = await updateTimes(bigServices, 5, COLD_RUNS, LATENCY_MS);
  const smallFast = await updateTimes(smallServices, 5, 1, 0);
  const bigFast = await updateTimes(bigServices, 5, 1, 0);
  const within = { op: "<=", value: 1.5 } as const;
  add(
    "updateMsSmallRepo",
    `one warm update, ${smallFiles}-file repository`,
    median(small.warm),
    "ms",
    undefined,
    small.warm,
  );
  add(
    "updateMsBigRepo",
    `one warm update, ${bigFiles}-file repository`,
    median(big.warm),
    "ms",
    undefined,
    big.warm,
  );
  add("repoSizeRatio", "  warm: big / small", ratio(median(big.warm), median(small.warm)), "x", within);
  const cold = "first update after the app started (a new app process each time)";
  const [smallCold, bigCold] = [
    `${cold}, ${smallFiles}-file repository`,
    `${cold}, ${bigFiles}-file repository`,
  ];
  add("updateMsSmallRepoCold", smallCold, median(small.cold), "ms", undefined, small.cold);
  add("updateMsBigRepoCold", bigCold, median(big.cold), "ms", undefined, big.cold);
  add(
    "repoSizeRatioCold",
    "  first after start: big / small",
    ratio(median(big.cold), median(small.cold)),
    "x",
    within,
  );
  add("updateMsSmallRepoNoLatency", "  warm, without twin latency, small", median(smallFast.warm), "ms");
  add("updateMsBigRepoNoLatency", "  warm, without twin latency, big", median(bigFast.warm), "ms");
  add(
    "repoSizeRatioNoLatency",
    "  warm, without latency: big / small",
    ratio(median(bigFast.warm), median(smallFast.warm)),
    "x",
  );
}

/** Quiet updates measured (the median and every run are kept). */
const QUIET_RUNS = Number(process.env["BENCH_QUIET_RUNS"] ?? 5);
/** Longer than the batch window (4 s by default): the repository is idle when each build arrives. */
const QUIET_GAP_MS = 5000;

/**
 * One build on a quiet repository, event to commit (`quietUpdateMs`): the app started and warm (its
 * first update done), the repository not written for longer than its batch window. The 1,803-file
 * repository the peers clone, at 100 ms a request; the median of `QUIET_RUNS` runs, each kept.
 */
async function quietUpdate(add: Add): Promise<void> {
  // The repository the peers clone (bench/peers.bench.ts): 300 services, 1,803 files.
  const names = serviceNames(300);
  // Two services the quiet runs alternate between, then one more per run for its first update.
  const firsts = names.slice(2, 2 + QUIET_RUNS);
  const rig = await startRig(300, names.slice(0, 2 + QUIET_RUNS), LATENCY_MS);
  const runs: number[] = [];
  const firstRequests: number[] = [];
  const firstTimes: number[] = [];
  try {
    await timedUpdate(rig, names[0]!, "quiet: first update after start (not counted)");
    for (let run = 1; run <= QUIET_RUNS; run++) {
      await sleep(QUIET_GAP_MS);
      runs.push(await timedUpdate(rig, names[run % 2]!, `quiet update ${run}`));
    }
    // A service's first update, its overlays at made-up builds the app has read but never written.
    const counters = rig.harness.twin.counters;
    for (const name of firsts) {
      await sleep(QUIET_GAP_MS);
      counters.reset();
      firstTimes.push(await timedUpdate(rig, name, `quiet: ${name}'s first update`));
      const reports = counters.count(STATUS_ROUTE);
      log(`  its requests: ${JSON.stringify(counters.snapshot().byRoute)}`);
      firstRequests.push(counters.total - reports);
    }
  } finally {
    await rig.harness.close();
  }
  const target = { op: "<=", value: 1000 } as const;
  add("quietUpdateMs", "one build on a quiet repository, event to commit", median(runs), "ms", target, runs);
  add(
    "quietFirstUpdateMs",
    "  a service's first update on the quiet repository, event to commit",
    median(firstTimes),
    "ms",
    undefined,
    firstTimes,
  );
  add(
    "requestsPerUpdateQuietFirst",
    "  its requests, excluding reports",
    median(firstRequests),
    "requests",
    { op: "<=", value: 2 }, // #18: one query and one createCommitOnBranch
    firstRequests,
  );
}

const DISCOVERY_ROUTES = [
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /app",
  "GET /installation/repositories",
];

/**
 * The cold update's requests until its commit landed (up to its createCommitOnBranch), and how many of
 * them were the installation's discovery: the token, GET /app, the listing, and the registry's config
 * probes, which are the GraphQL queries before the batch's snapshot query (the last query before the
 * first pass lists the tree: the registry is read before the batch starts).
 */
function coldRequests(entries: ReadonlyArray<{ at: number; route: string }>, committedAt: number) {
  const commit = entries.findLastIndex(
    (entry) => entry.route === "graphql mutation createCommitOnBranch" && entry.at <= committedAt,
  );
  const until = entries.slice(0, commit + 1);
  const tree = until.findIndex((entry) => entry.route.startsWith("GET /repos/{owner}/{repo}/git/trees/"));
  const queries = until
    .slice(0, tree < 0 ? 0 : tree)
    .filter((entry) => entry.route === "graphql query repository");
  const probes = Math.max(0, queries.length - 1);
  const byRoute: Record<string, number> = {};
  for (const entry of until) byRoute[entry.route] = (byRoute[entry.route] ?? 0) + 1;
  return {
    toCommit: until.length,
    discovery: until.filter((entry) => DISCOVERY_ROUTES.includes(entry.route)).length + probes,
    byRoute,
  };
}

/** One run's figures of the 300-service part, by key. */
type RunFigures = Map<string, { label: string; value: number; unit: string; target?: Target }>;

/** 1. and 2.: 300 services x 3 environments, 300 source repositories, a fresh twin and app. */
async function burstRun(run: number): Promise<RunFigures> {
  const figures: RunFigures = new Map();
  const add: Add = (key, label, value, unit, target) =>
    figures.set(key, { label, value, unit, ...(target ? { target } : {}) });
  log(`300-service run ${run} of ${BURST_RUNS}`);
  const names = serviceNames(300);
  const started = Date.now();
  const rig = await startRig(300, names, LATENCY_MS);
  const { harness } = rig;
  const counters = harness.twin.counters;
  const manifestsFiles = fileCount(300);
  add(
    "setup300ReposMs",
    `start the twin with a 300-service (${manifestsFiles}-file) manifests repo and 300 source repos`,
    Date.now() - started,
    "ms",
  );
  try {
    counters.reset();
    const cold = rig.sendBuild(names[0]!, await rig.commitSource(names[0]!));
    await cold.sent;
    await harness.idle();
    const coldCommittedAt = rig.committedAt.get(cold.id)!;
    const split = coldRequests(counters.log, coldCommittedAt);
    log(`cold update until idle: ${JSON.stringify(counters.snapshot().byRoute)}`);
    log(`cold update until its commit: ${JSON.stringify(split.byRoute)}`);
    add(
      "requestsPerUpdateCold",
      "requests, first update after the app started: webhook to its commit landed (discovery included)",
      split.toCommit,
      "requests",
      { op: "<=", value: 6 }, // #18
    );
    add(
      "requestsDiscoveryCold",
      "  of them the installation's discovery (token, GET /app, repository listing, config probes; once per process)",
      split.discovery,
      "requests",
    );
    add(
      "requestsUntilIdleCold",
      "  requests until the app was idle (the index completed in the background, reports sent)",
      counters.total,
      "requests",
    );
    add(
      "coldUpdateMs",
      `  its time, webhook sent to commit landed (${manifestsFiles}-file repository; token, registry, tree and overlays read first)`,
      coldCommittedAt - cold.sentAt,
      "ms",
      { op: "<=", value: 3000 }, // #18
    );

    // A service's first update: its three overlays run three different (made-up) builds.
    const update = async (name: string) => {
      counters.reset();
      const build = rig.sendBuild(name, await rig.commitSource(name));
      await build.sent;
      await harness.idle();
      const reports = counters.count(STATUS_ROUTE);
      return { requests: counters.total - reports, reports, byRoute: counters.snapshot().byRoute };
    };
    const first = await update(names[1]!);
    log(`first update of a service: ${JSON.stringify(first.byRoute)}`);
    add(
      "requestsPerUpdate",
      "requests, one update in commit mode (a service's first), excluding reports",
      first.requests,
      "requests",
      { op: "<=", value: 2 }, // #18: one query and one createCommitOnBranch
    );
    add(
      "reportRequestsPerUpdate",
      "  reporting requests (commit statuses) per update",
      first.reports,
      "requests",
    );
    // Steady state: the same service's next build, over what the app wrote last time.
    const next = await update(names[1]!);
    log(`the same service's next update: ${JSON.stringify(next.byRoute)}`);
    add(
      "requestsPerUpdateSteady",
      "requests, the same service's next update, excluding reports",
      next.requests,
      "requests",
      { op: "<=", value: 2 }, // #18
    );
    await warmStart(rig, names[2]!, add);
    await burst(rig, names, add);
  } finally {
    await harness.close();
  }
  return figures;
}

/**
 * The first build after a restart once the app's warm-up (src/services/warm-up.ts) has read the
 * installation: a new app process, idle, then one build of a service it never wrote. The warm-up's own
 * requests and time are figures too: they are what a restart costs before any build.
 */
async function warmStart(rig: Rig, name: string, add: Add): Promise<void> {
  const { harness } = rig;
  const counters = harness.twin.counters;
  counters.reset();
  const restarted = Date.now();
  await rig.restartApp();
  await harness.idle();
  const warmUpMs = Date.now() - restarted;
  log(`warm-up after a restart: ${JSON.stringify(counters.snapshot().byRoute)}`);
  add(
    "warmUpRequests",
    "warm-up after a restart: requests (token, registry, tree, every overlay)",
    counters.total,
    "requests",
  );
  add("warmUpMs", "  its time, app process started to idle", warmUpMs, "ms");
  counters.reset();
  const build = rig.sendBuild(name, await rig.commitSource(name));
  await build.sent;
  await harness.idle();
  const reports = counters.count(STATUS_ROUTE);
  log(`first update after the warm-up: ${JSON.stringify(counters.snapshot().byRoute)}`);
  add(
    "requestsPerUpdateWarmStart",
    "requests, the first update after a restart once warm, excluding reports",
    counters.total - reports,
    "requests",
    { op: "<=", value: 2 }, // #18: what a warm update costs
  );
  add(
    "warmStartUpdateMs",
    "  its time, event to commit",
    rig.committedAt.get(build.id)! - build.sentAt,
    "ms",
    { op: "<=", value: 1000 }, // #18: a quiet update's target
  );
}

/** The burst: a new commit on every source repository, one build every 200 ms. */
async function burst(rig: Rig, names: string[], add: Add): Promise<void> {
  const { harness } = rig;
  const counters = harness.twin.counters;
  const shas = new Map<string, string>();
  for (const name of names) shas.set(name, await rig.commitSource(name));
  const manifests = harness.repo("acme", "manifests");
  const before = (await manifests.git.getRef("refs/heads/main"))!;
  const commitsBefore = rig.commits;
  counters.reset();
  let twinPeakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    twinPeakRss = Math.max(twinPeakRss, process.memoryUsage().rss);
  }, 100);
  const started = Date.now();
  const builds: Array<{ id: string; sentAt: number; sent: Promise<unknown> }> = [];
  for (const [index, name] of names.entries()) {
    const due = started + index * BURST_SPACING_MS;
    if (due > Date.now()) await sleep(due - Date.now());
    builds.push(rig.sendBuild(name, shas.get(name)!));
  }
  await Promise.all(builds.map((build) => build.sent));
  const sendingMs = Date.now() - started;
  // Statuses trail the commits by minutes (900 of them, paced under GitHub's limit): the figures are
  // taken when every build is committed, not when the last status is sent.
  while (builds.some((build) => !rig.committedAt.has(build.id)) && Date.now() < started + BURST_DEADLINE_MS)
    await sleep(100);
  const finished = builds.every((build) => rig.committedAt.has(build.id));
  const burstMs = Date.now() - started;
  clearInterval(sampler);
  log(
    `burst: sent in ${sendingMs} ms, ${finished ? "all committed" : "deadline reached"} after ${burstMs} ms`,
  );
  log(`burst requests: ${JSON.stringify(counters.snapshot())}`);

  let appCommits = 0;
  for (const sha of await manifests.git.commitsBetween(before, "refs/heads/main"))
    if ((await manifests.git.readCommit(sha))?.author.name === "gitops-image-bot[bot]") appCommits += 1;
  let lost = 0;
  for (const name of names)
    for (const env of ENVIRONMENTS) if ((await tagOf(harness, name, env)) !== shas.get(name)) lost += 1;
  const latencies = builds.flatMap((build) => {
    const at = rig.committedAt.get(build.id);
    return at === undefined ? [] : [at - build.sentAt];
  });
  const statuses = counters.count(STATUS_ROUTE);
  const appPeakRss = await rig.appPeakRss();

  // Content-creating requests as the app process sent them (each attempt), from the burst's start to a
  // minute after its last commit, so every 60 s window holding one of its commits is counted whole
  // (statuses go on for minutes, under the pacer's smaller share for reports).
  const lastCommit = Math.max(started, ...rig.committedAt.values());
  if (lastCommit + 60_000 > Date.now()) await sleep(lastCommit + 60_000 - Date.now());
  const sent = (await rig.appContentRequests()).filter((request) => request.at >= started);
  const appPeak = peakInWindow(
    sent.map((request) => request.at),
    60_000,
  );
  const refusedSeen = sent.filter((request) => request.secondaryLimit).length;
  log(
    `content-creating requests until ${Date.now() - started} ms: the app sent ${sent.length}, peak ${appPeak} in 60 s, ` +
      `${refusedSeen} answered with the secondary limit; the twin received a peak of ` +
      `${counters.maxContentCreatingPerMinute("received")} in 60 s and refused ${counters.secondaryLimitRefused.length}`,
  );
  const none = { op: "=", value: 0, everyRun: true } as const;
  add("burstFinished", "burst: every build committed before the deadline (1 = yes)", finished ? 1 : 0, "", {
    op: "=",
    value: 1,
    everyRun: true,
  });
  add("burstDurationMs", "burst: first build sent to last build committed (or deadline)", burstMs, "ms");
  add("burstCommits", "burst: the app's commits on main", appCommits, "commits", { op: "<=", value: 15 });
  add("burstOnCommitCalls", "  onCommit calls during the burst", rig.commits - commitsBefore, "calls");
  add("burstLostUpdates", "burst: overlays not at their build's SHA", lost, "overlays", none);
  add(
    "burstBuildsNotCommitted",
    "burst: builds no commit carried",
    builds.length - latencies.length,
    "builds",
    none,
  );
  add(
    "peakContentRequestsPerMinute",
    "burst: peak content-creating requests the app sent in any 60 s, to a minute after its last commit (counted by the app process)",
    appPeak,
    "requests",
    { op: "<", value: CONTENT_LIMIT_PER_MINUTE },
  );
  add(
    "secondaryLimitRefusals",
    "  content-creating requests the twin refused with GitHub's secondary limit in that time",
    counters.secondaryLimitRefused.length,
    "requests",
    none,
  );
  add("burstStatusRequests", "burst: commit statuses sent by the last commit", statuses, "requests");
  add("latencyP50Ms", "burst: event to commit, p50", percentile(latencies, 50), "ms");
  add("latencyP95Ms", "burst: event to commit, p95", percentile(latencies, 95), "ms", {
    op: "<=",
    value: 10_000, // #18 (was 20 s)
  });
  add("peakRssMb", "burst: the app process's peak RSS", Math.round(appPeakRss / 1048576), "MB", {
    op: "<=",
    value: 150,
  });
  add(
    "twinPeakRssMb",
    "  the twin's and this benchmark's process, for comparison",
    Math.round(twinPeakRss / 1048576),
    "MB",
  );
}

export async function appBenchmarks(): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const add: Add = (key, label, value, unit, target, runs) =>
    out.push({ key, label, value, unit, ...(target ? { target } : {}), ...(runs ? { runs } : {}) });
  const parts = process.env["BENCH_APP_PARTS"] ?? "size,burst,burst2000,peers";
  if (parts.includes("burst2000")) await burst2000(add);
  if (parts.includes("size") || parts.includes("quiet")) await quietUpdate(add);
  if (parts.includes("size")) await sizeBenchmarks(add);
  // The peer comparison last: it takes the app's quiet update from the parts before, if one measured it.
  const withPeers = async () => {
    if (parts.includes("peers")) await peerComparison(add, out);
    return out;
  };
  if (!/\bburst\b/.test(parts)) return withPeers();

  const runs: RunFigures[] = [];
  for (let run = 1; run <= BURST_RUNS; run++) runs.push(await burstRun(run));
  // Each figure: the median of the runs, with every run's value.
  for (const [key, first] of runs[0]!) {
    const values = runs.map((figures) => figures.get(key)?.value ?? Number.NaN);
    out.push({
      key,
      label: first.label,
      value: median(values),
      unit: first.unit,
      runs: values,
      ...(first.target ? { target: first.target } : {}),
    });
  }
  return withPeers();
}
