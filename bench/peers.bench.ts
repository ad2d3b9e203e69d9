// The peer comparison, in the same run and on the same machine as the app's figures: one build on a
// quiet day, written by the app (through the GitHub twin) and by what teams use instead, each against
// the same manifests repository (300 services x dev/qa/prod, 1,803 files) with the same 100 ms added to
// every request.
// - The CI-step peer (bench/peers/ci-step.sh): clone --depth 1, sed, commit, push (retried 3 times).
// - The controller peer (bench/peers/controller.ts): Argo CD Image Updater's git write-back, a
//   long-running writer that keeps a clone and fetches, edits, commits and pushes per application.
// Both are real git processes against `git http-backend` (bench/peers/git-http-server.ts).
// BENCH_APP_PARTS=peers runs this part alone; BENCH_PEER_RUNS (default 5) sets the runs of each side.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestsRepoFiles, serviceNames } from "../twin/fixtures/manifests-repo.js";
import { CONFIG, ENVIRONMENTS, LATENCY_MS, startRig, type Add } from "./app.bench.js";
import type { Measurement } from "./run.js";
import { median } from "./targets.js";
import { runCiStep } from "./peers/ci-step.js";
import { startControllerPeer } from "./peers/controller.js";
import { createBareRepo, fileAt } from "./peers/git.js";
import { startGitHttpServer, type GitHttpServer } from "./peers/git-http-server.js";

/** The repository of the comparison: the 300-service one of the app's cold update and burst. */
const SERVICES = 300;
const RUNS = Math.max(3, Number(process.env["BENCH_PEER_RUNS"] ?? 5));
const log = (text: string) => console.log(`  [peers] ${text}`);
const newTag = () => randomBytes(20).toString("hex");

/** The manifests repository's files, as the app's benchmark seeds it in the twin. */
export function comparisonRepoFiles(services: number) {
  return [
    { path: ".github/gitops-image-bot.yml", content: CONFIG },
    ...manifestsRepoFiles({ services, environments: ENVIRONMENTS }),
  ];
}

/**
 * The app's quiet update: one build for a repository with nothing else going on, the app running and
 * warm (its first update after the start is done and not counted), webhook sent to commit landed.
 */
async function appQuietUpdates(names: readonly string[]): Promise<number[]> {
  const sources = names.slice(0, RUNS + 1);
  const rig = await startRig(SERVICES, sources, LATENCY_MS);
  try {
    const times: number[] = [];
    for (const [index, name] of sources.entries()) {
      const build = rig.sendBuild(name, await rig.commitSource(name));
      await build.sent;
      await rig.harness.idle();
      const at = rig.committedAt.get(build.id);
      if (at === undefined) throw new Error(`the app's update of ${name} did not land`);
      log(
        `app, ${index === 0 ? "first update after the start (not counted)" : `quiet update ${index}`}: ${at - build.sentAt} ms`,
      );
      if (index > 0) times.push(at - build.sentAt);
    }
    return times;
  } finally {
    await rig.harness.close();
  }
}

interface PeerRun {
  readonly ms: number;
  readonly requests: number;
}

/** Times one update by a peer, event to push accepted, and checks that every overlay has the tag. */
async function timed(
  server: GitHttpServer,
  bare: string,
  service: string,
  write: (tag: string) => Promise<{ retries: number; pushedAt?: number }>,
): Promise<PeerRun> {
  const tag = newTag();
  const before = server.total();
  const started = Date.now();
  const { retries, pushedAt } = await write(tag);
  // The CI job reports its push accepted before it removes its clone: that cleanup is not counted.
  const ms = (pushedAt ?? Date.now()) - started;
  for (const env of ENVIRONMENTS) {
    const text = await fileAt(bare, "main", `apps/${service}/overlays/${env}/kustomization.yaml`);
    if (!text?.includes(`newTag: "${tag}"`)) throw new Error(`${service} in ${env} is not at ${tag}`);
  }
  if (retries > 0) log(`${service}: the push was retried ${retries} times`);
  return { ms, requests: server.total() - before };
}

/** Both peers, their runs interleaved so that the machine's load falls on both alike. */
async function peerUpdates(names: readonly string[]) {
  const root = await mkdtemp(join(tmpdir(), "peers-bench-"));
  const bare = await createBareRepo(root, "manifests", comparisonRepoFiles(SERVICES));
  const server = await startGitHttpServer({ root, latencyMs: LATENCY_MS });
  const url = `${server.url}/manifests.git`;
  const controller = await startControllerPeer(url);
  try {
    const ciStep: PeerRun[] = [];
    const controllerRuns: PeerRun[] = [];
    for (let run = 0; run < RUNS; run++) {
      const [ciService, controllerService] = [names[2 * run]!, names[2 * run + 1]!];
      ciStep.push(await timed(server, bare, ciService, (tag) => runCiStep(url, ciService, tag)));
      controllerRuns.push(
        await timed(server, bare, controllerService, (tag) =>
          controller.update(controllerService, ENVIRONMENTS, tag),
        ),
      );
      log(
        `run ${run + 1}: CI step ${ciStep[run]!.ms} ms (${ciStep[run]!.requests} requests), ` +
          `controller ${controllerRuns[run]!.ms} ms (${controllerRuns[run]!.requests} requests)`,
      );
    }
    return { ciStep, controller: controllerRuns };
  } finally {
    await controller.close();
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
}

/**
 * The peer figures, and the app's quiet update against the faster peer. The app's `quietUpdateMs` is
 * taken from this run's figures when another part measured it; otherwise it is measured here.
 */
export async function peerComparison(add: Add, figures: readonly Measurement[]): Promise<void> {
  const names = serviceNames(SERVICES);
  const files = comparisonRepoFiles(SERVICES).length;
  let quiet = figures.find((figure) => figure.key === "quietUpdateMs")?.value;
  if (quiet === undefined) {
    const times = await appQuietUpdates(names);
    quiet = median(times);
    add(
      "quietUpdateMs",
      `one build on a quiet repository, webhook sent to commit landed (${files}-file repository, the app warm)`,
      quiet,
      "ms",
      { op: "<=", value: 1_000 },
      times,
    );
  }
  const peers = await peerUpdates(names.slice(RUNS + 1));
  const ms = (runs: PeerRun[]) => runs.map((run) => run.ms);
  const requests = (runs: PeerRun[]) => runs.map((run) => run.requests);
  const [ciStep, controller] = [median(ms(peers.ciStep)), median(ms(peers.controller))];
  const where = `${files}-file repository, git http-backend at ${LATENCY_MS} ms per request`;
  add(
    "peerCiStepMs",
    `CI-step peer (clone --depth 1, sed, commit, push), one update, event to push accepted (${where})`,
    ciStep,
    "ms",
    undefined,
    ms(peers.ciStep),
  );
  add(
    "peerCiStepRequests",
    "  CI-step peer: its HTTP requests for the update (clone and push)",
    median(requests(peers.ciStep)),
    "requests",
    undefined,
    requests(peers.ciStep),
  );
  add(
    "peerControllerMs",
    `controller peer (Image Updater style: fetch, edit, commit, push per application), one update (${where})`,
    controller,
    "ms",
    undefined,
    ms(peers.controller),
  );
  add(
    "peerControllerRequests",
    "  controller peer: its HTTP requests for the update (fetch and push, 3 applications)",
    median(requests(peers.controller)),
    "requests",
    undefined,
    requests(peers.controller),
  );
  add(
    "quietVsPeer",
    "the app's quiet update / the faster peer's (medians, this run)",
    Math.round((quiet / Math.min(ciStep, controller)) * 100) / 100,
    "x",
    { op: "<=", value: 0.5 },
  );
}
