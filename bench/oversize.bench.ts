// Oversize webhook bodies against the app in production settings (issue #15, item 1): the built app
// (bench/app-process.mjs) under NODE_ENV=production and the Dockerfile's NODE_OPTIONS, its GitHub the
// twin, everything on 127.0.0.1. Each run starts a fresh app process and sends, in turn:
//   (a) a forged 25 MB body (GitHub's cap, so it is read in full, then refused for its signature);
//   (b) three forged 20 MB bodies at once;
//   (c) GitHub's largest real delivery: a signed `push` of 25 MB less 4 KiB, padded in a field the app ignores;
//   (d) the same size grown as a real push grows: 2,000+ commits of 100 changed files each;
// while /healthz is asked every 250 ms. Figures: the app process's peak resident memory (the kernel's
// high-water mark), /healthz asks that got no 200, whether the process stayed up, the answers.
import { fork } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import { startHarness, type Harness } from "../twin/harness.js";
import type { Measurement } from "./run.js";
import { median } from "./targets.js";

const MiB = 1024 * 1024;
const MAX = 25 * MiB; // GitHub: "Payloads are capped at 25 MB."
const RUNS = Number(process.env["BENCH_OVERSIZE_RUNS"] ?? 3);
const CONFIG = `sources:\n  - repositories: ["acme/*"]\nenvironments:\n  dev:\n    paths: ["apps/*/overlays/dev/**"]\n    mode: commit\n`;
const log = (text: string) => console.log(`  [oversize] ${text}`);

/** The Dockerfile's `ENV ... NODE_OPTIONS=...`, read from it so the two cannot drift apart. */
function productionNodeOptions(): string {
  const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
  const options = /^ENV .*\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile)?.slice(1).find(Boolean);
  if (options === undefined) throw new Error("the Dockerfile sets no NODE_OPTIONS");
  return options;
}

/** The highest resident memory the process has had (Linux's VmHWM), in bytes. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

interface AppProcess {
  readonly pid: number;
  exited(): boolean;
  stop(): Promise<void>;
}

async function forkApp(env: Record<string, string>): Promise<AppProcess> {
  const child = fork(fileURLToPath(new URL("./app-process.mjs", import.meta.url)), [], {
    env: {
      ...process.env,
      ...env,
      NODE_ENV: "production",
      NODE_OPTIONS: productionNodeOptions(),
      RECONCILE_SCHEDULE: "off",
      LOG_LEVEL: "error",
    },
    execArgv: [],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  let exitCode: number | string | null | undefined;
  child.once("exit", (code, signal) => (exitCode = code ?? signal));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the app process exited (${code}) before it was ready`)));
    child.on("message", (message: { type?: string }) => message.type === "ready" && resolve());
  });
  return {
    pid: child.pid!,
    exited: () => exitCode !== undefined,
    stop: async () => {
      if (exitCode !== undefined) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill();
      await exited;
    },
  };
}

/** POSTs `bytes` to the webhook URL, in 64 KiB pieces until answered; resolves with the status (0: no answer). */
function post(url: string, body: Buffer | number, headers: Record<string, string>): Promise<number> {
  const total = typeof body === "number" ? body : body.length;
  const filler = Buffer.alloc(64 * 1024, "a");
  return new Promise((resolve) => {
    let answered = false;
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": String(total), ...headers },
    });
    req.on("response", (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", () => answered || resolve(0));
    let written = 0;
    const pump = (): void => {
      while (!answered && written < total) {
        const size = Math.min(filler.length, total - written);
        const piece =
          typeof body === "number" ? filler.subarray(0, size) : body.subarray(written, written + size);
        written += size;
        if (!req.write(piece)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

const forged = (event: string) => ({
  "x-github-event": event,
  "x-github-delivery": randomUUID(),
  "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
});

/**
 * A real `push` payload of acme/web, signed, of about `bytes`: padded in one field no handler reads, or
 * (`commits`) grown as a large push grows, with commits that each list 100 changed files.
 */
function maximalPush(
  harness: Harness,
  bytes: number,
  shape: "padded" | "commits" = "padded",
): { body: Buffer; headers: Record<string, string> } {
  const payload: Record<string, unknown> = {
    ...harness.example("push", undefined, "acme", "web"),
    installation: { id: harness.installation.id, node_id: `I_${harness.installation.id}` },
  };
  if (shape === "commits") {
    const [commit] = payload["commits"] as Record<string, unknown>[];
    const files = (n: number) =>
      Array.from({ length: 100 }, (_, i) => `services/svc-${String(n).padStart(6, "0")}/src/file-${i}.ts`);
    const one = (n: number) => ({
      ...commit,
      id: n.toString(16).padStart(40, "0"),
      added: files(n),
      modified: [],
      removed: [],
    });
    const size = Buffer.byteLength(JSON.stringify(one(0))) + 1;
    payload["commits"] = Array.from({ length: Math.floor((bytes - 64 * 1024) / size) }, (_, n) => one(n));
  }
  const unpadded = Buffer.byteLength(JSON.stringify({ ...payload, padding: "" }));
  const body = Buffer.from(
    JSON.stringify({ ...payload, padding: "x".repeat(Math.max(0, bytes - unpadded)) }),
  );
  const signature = `sha256=${createHmac("sha256", harness.secret).update(body).digest("hex")}`;
  return {
    body,
    headers: {
      "x-github-event": "push",
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signature,
    },
  };
}

interface RunResult {
  readonly peakRssMb: number;
  readonly healthzMissed: number;
  readonly healthzAsked: number;
  readonly up: boolean;
  readonly answers: { forged25: number; forged20x3: number[]; signed25: number; signedCommits: number };
}

async function oversizeRun(run: number): Promise<RunResult> {
  let app: AppProcess | undefined;
  const harness = await startHarness({
    startApp: async (env) => {
      app = await forkApp(env);
      return { stop: () => app!.stop() };
    },
    repos: [
      { name: "manifests", files: [{ path: ".github/gitops-image-bot.yml", content: CONFIG }] },
      { name: "web", files: [{ path: "Dockerfile", content: "FROM scratch\n" }] },
    ],
  });
  const origin = new URL(harness.webhookUrl).origin;
  let asked = 0;
  let missed = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      asked += 1;
      const ok = await fetch(`${origin}/healthz`, { signal: AbortSignal.timeout(5_000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (!ok) missed += 1;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  try {
    const signed = maximalPush(harness, MAX - 4096);
    const hwm = (what: string) => log(`  after ${what}: peak RSS ${Math.round(peakRss(app!.pid) / MiB)} MB`);
    hwm("start");
    const forged25 = await post(harness.webhookUrl, MAX, forged("push"));
    hwm("a forged 25 MB body");
    const forged20x3 = await Promise.all(
      [1, 2, 3].map(() => post(harness.webhookUrl, 20 * MiB, forged("push"))),
    );
    hwm("three forged 20 MB bodies at once");
    const signed25 = await post(harness.webhookUrl, signed.body, signed.headers);
    hwm("a signed 25 MB push");
    const many = maximalPush(harness, MAX - 4096, "commits");
    const signedCommits = await post(harness.webhookUrl, many.body, many.headers);
    hwm("a signed 25 MB push of 2,000+ commits");
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // the app handles the push after answering
    polling = false;
    await poller;
    const result: RunResult = {
      peakRssMb: app!.exited() ? Number.NaN : Math.round(peakRss(app!.pid) / MiB),
      healthzMissed: missed,
      healthzAsked: asked,
      up: !app!.exited(),
      answers: { forged25, forged20x3, signed25, signedCommits },
    };
    log(`run ${run}: ${JSON.stringify(result)}`);
    return result;
  } finally {
    polling = false;
    await poller;
    await harness.close();
  }
}

export async function oversizeBenchmarks(): Promise<Measurement[]> {
  const runs: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) runs.push(await oversizeRun(run));
  const peaks = runs.map((run) => run.peakRssMb);
  const missed = runs.map((run) => run.healthzMissed);
  const down = runs.map((run) => (run.up ? 0 : 1));
  const signedRefused = runs.map((run) =>
    run.answers.signed25 === 200 && run.answers.signedCommits === 200 ? 0 : 1,
  );
  return [
    {
      key: "oversizeBodyPeakRssMb",
      label: "oversize bodies (forged 25 MB, 3 x 20 MB at once, two signed 25 MB pushes): the app's peak RSS",
      value: median(peaks),
      unit: "MB",
      runs: peaks,
      target: { op: "<=", value: 256, everyRun: true },
    },
    {
      key: "oversizeHealthzMissed",
      label: "oversize bodies: /healthz asks (every 250 ms) without a 200 within 5 s",
      value: median(missed),
      unit: "asks",
      runs: missed,
      target: { op: "=", value: 0, everyRun: true },
    },
    {
      key: "oversizeAppDown",
      label: "oversize bodies: the app process died",
      value: median(down),
      unit: "runs",
      runs: down,
      target: { op: "=", value: 0, everyRun: true },
    },
    {
      key: "oversizeSignedRefused",
      label:
        "oversize bodies: GitHub's largest real deliveries (signed pushes of 25 MB less 4 KiB) not answered 200",
      value: median(signedRefused),
      unit: "runs",
      runs: signedRefused,
      target: { op: "=", value: 0, everyRun: true },
    },
  ];
}
