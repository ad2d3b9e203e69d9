// The whole app (createBot behind the real Probot server, with Probot's own Octokit: throttling and
// retries on, as in production) in its own process, against the GitHub twin at 100 ms per request.
import { fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startHarness, type Harness } from "../twin/harness.js";
import { manifestsRepoFiles, serviceNames } from "../twin/fixtures/manifests-repo.js";
import type { Measurement } from "./run.js";

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
const LATENCY_MS = 100;
/** The burst sends one build every 200 ms: 300 builds over 60 s. */
const BURST_SPACING_MS = 200;
/** How long the burst may take, from its first build, before the figures are taken as they stand. */
const BURST_DEADLINE_MS = 240_000;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const log = (text: string) => console.log(`  [app] ${text}`);

interface Rig {
  readonly harness: Harness;
  /** When the app's commit carrying each build (by delivery id) landed. */
  readonly committedAt: Map<string, number>;
  commits: number;
  commitSource(name: string): Promise<string>;
  sendBuild(name: string, sha: string): { id: string; sentAt: number; sent: Promise<unknown> };
  /** The app process's peak resident memory so far, in bytes. */
  appPeakRss(): Promise<number>;
}

let counter = 0;

/** The Dockerfile's `ENV ... NODE_OPTIONS=...`, read from it so the two cannot drift apart. */
function productionNodeOptions(): string {
  const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
  const options = /^ENV .*\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile)?.slice(1).find(Boolean);
  if (options === undefined)
    throw new Error("the Dockerfile sets no NODE_OPTIONS (ENV ... NODE_OPTIONS=...)");
  return options;
}

/** Messages to and from bench/app-process.mjs. */
type ToApp = { type: "idle"; id: number } | { type: "peak-rss"; id: number };
type FromApp =
  | { type: "ready" }
  | { type: "commit"; repo: string; at: number; builds: string[] }
  | { type: "idle"; id: number }
  | { type: "peak-rss"; id: number; bytes: number };

/** The app in its own process (bench/app-process.mjs, the built app), talking to this one over IPC. */
async function forkApp(
  env: Record<string, string>,
  rig: { commits: number; committedAt: Map<string, number> },
) {
  const child = fork(fileURLToPath(new URL("./app-process.mjs", import.meta.url)), [], {
    // NODE_OPTIONS as the Dockerfile sets them for production.
    // No scheduled reconciliation pass in the middle of the burst: bench:reconcile measures passes.
    env: {
      ...process.env,
      ...env,
      NODE_ENV: "production",
      NODE_OPTIONS: productionNodeOptions(),
      RECONCILE_SCHEDULE: "off",
    },
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const answers = new Map<number, (message: FromApp) => void>();
  let asked = 0;
  const ready = new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before it was ready`)));
    child.on("message", (message: FromApp) => {
      if (message.type === "ready") resolve();
      else if (message.type === "commit") {
        if (message.repo !== "manifests") return;
        rig.commits += 1;
        for (const id of message.builds) if (!rig.committedAt.has(id)) rig.committedAt.set(id, message.at);
      } else {
        answers.get(message.id)?.(message);
        answers.delete(message.id);
      }
    });
  });
  await ready;
  const ask = (type: ToApp["type"]) =>
    new Promise<FromApp>((resolve) => {
      const id = ++asked;
      answers.set(id, resolve);
      child.send({ type, id } satisfies ToApp);
    });
  return {
    idle: async () => void (await ask("idle")),
    peakRss: async () => {
      const answer = await ask("peak-rss");
      return answer.type === "peak-rss" ? answer.bytes : Number.NaN;
    },
    stop: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    },
  };
}

async function startRig(services: number, sources: readonly string[], latencyMs: number): Promise<Rig> {
  const committedAt = new Map<string, number>();
  const rig = { commits: 0, committedAt };
  let app: Awaited<ReturnType<typeof forkApp>> | undefined;
  const harness = await startHarness({
    startApp: async (env) => (app = await forkApp(env, rig)),
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
  return Object.assign(rig, {
    harness,
    appPeakRss: () => app!.peakRss(),
    commitSource: (name: string) =>
      harness.twin.store.commitFiles(
        harness.repo("acme", name),
        "main",
        [{ path: "src/version.txt", content: `${++counter}\n` }],
        `change ${counter}`,
      ),
    sendBuild: (name: string, sha: string) => {
      const payload = harness.example("workflow_run", "completed", "acme", name);
      Object.assign(payload["workflow_run"] as Record<string, unknown>, {
        conclusion: "success",
        head_sha: sha,
        head_branch: "main",
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

/** Median event-to-commit time of one warm update, over `runs` updates, in a repository of `services`. */
async function updateTime(services: number, runs: number, latencyMs: number): Promise<number> {
  const names = serviceNames(services);
  const setup = Date.now();
  const rig = await startRig(services, names.slice(0, 2), latencyMs);
  log(`${services} services, latency ${latencyMs} ms: set up in ${Date.now() - setup} ms`);
  try {
    const times: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const name = names[run % 2]!;
      const sha = await rig.commitSource(name);
      const build = rig.sendBuild(name, sha);
      await build.sent;
      await rig.harness.idle();
      const at = rig.committedAt.get(build.id);
      if (at === undefined)
        throw new Error(`update ${run} in the ${services}-service repository did not land`);
      if (run > 0) times.push(at - build.sentAt); // run 0 primes the caches
      log(`  update ${run}: ${at - build.sentAt} ms to commit, ${Date.now() - build.sentAt} ms to idle`);
    }
    return median(times);
  } finally {
    await rig.harness.close();
  }
}

export async function appBenchmarks(): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const add = (key: string, label: string, value: number, unit: string) =>
    out.push({ key, label, value, unit });

  // 3. Repository size: ~30 files against ~3,000 (6 files per service with 3 environments).
  const smallServices = 5;
  const bigServices = 500;
  log(`repository size: ${fileCount(smallServices)} vs ${fileCount(bigServices)} files`);
  const small = await updateTime(smallServices, 5, LATENCY_MS);
  const big = await updateTime(bigServices, 5, LATENCY_MS);
  const smallFast = await updateTime(smallServices, 5, 0);
  const bigFast = await updateTime(bigServices, 5, 0);
  add(
    "updateMsSmallRepo",
    `one update, ${fileCount(smallServices)}-file repository (median of 5)`,
    small,
    "ms",
  );
  add("updateMsBigRepo", `one update, ${fileCount(bigServices)}-file repository (median of 5)`, big, "ms");
  add("repoSizeRatio", "  big / small", Math.round((big / small) * 100) / 100, "x");
  add("updateMsSmallRepoNoLatency", "  the same without twin latency, small", smallFast, "ms");
  add("updateMsBigRepoNoLatency", "  the same without twin latency, big", bigFast, "ms");
  add(
    "repoSizeRatioNoLatency",
    "  big / small without latency",
    Math.round((bigFast / smallFast) * 100) / 100,
    "x",
  );

  // 1. and 2.: 300 services x 3 environments, 300 source repositories.
  const names = serviceNames(300);
  let started = Date.now();
  const rig = await startRig(300, names, LATENCY_MS);
  const { harness } = rig;
  const counters = harness.twin.counters;
  add(
    "setup300ReposMs",
    "start the twin with a 300-service manifests repo and 300 source repos",
    Date.now() - started,
    "ms",
  );
  try {
    counters.reset();
    const cold = rig.sendBuild(names[0]!, await rig.commitSource(names[0]!));
    await cold.sent;
    await harness.idle();
    log(`cold update: ${JSON.stringify(counters.snapshot().byRoute)}`);
    add("requestsPerUpdateCold", "requests, first update after start (all)", counters.total, "requests");
    add(
      "coldUpdateMs",
      "  its time to commit (lists the tree, screens 3,000 files)",
      rig.committedAt.get(cold.id)! - cold.sentAt,
      "ms",
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
    );

    // The burst: a new commit on every source repository, one build every 200 ms.
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
    started = Date.now();
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
    add("burstFinished", "burst: every build committed before the deadline (1 = yes)", finished ? 1 : 0, "");
    add("burstDurationMs", "burst: first build sent to last build committed (or deadline)", burstMs, "ms");
    add("burstCommits", "burst: the app's commits on main", appCommits, "commits");
    add("burstOnCommitCalls", "  onCommit calls during the burst", rig.commits - commitsBefore, "calls");
    add("burstLostUpdates", "burst: overlays not at their build's SHA", lost, "overlays");
    add(
      "burstBuildsNotCommitted",
      "burst: builds no commit carried",
      builds.length - latencies.length,
      "builds",
    );
    add(
      "peakContentRequestsPerMinute",
      "burst: peak content-creating requests in 60 s",
      counters.maxContentCreatingPerMinute(),
      "requests",
    );
    add("burstStatusRequests", "burst: commit statuses sent", counters.count(STATUS_ROUTE), "requests");
    add("latencyP50Ms", "burst: event to commit, p50", percentile(latencies, 50), "ms");
    add("latencyP95Ms", "burst: event to commit, p95", percentile(latencies, 95), "ms");
    add(
      "peakRssMb",
      "burst: the app process's peak RSS",
      Math.round((await rig.appPeakRss()) / 1048576),
      "MB",
    );
    add(
      "twinPeakRssMb",
      "  the twin's and this benchmark's process, for comparison",
      Math.round(twinPeakRss / 1048576),
      "MB",
    );
  } finally {
    await harness.close();
  }
  return out;
}
