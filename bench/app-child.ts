// The app in its own process (bench/app-process.mjs: the built app behind \`probot run\`, as production
// runs it), driven over IPC: the app benchmark runs one, the fleet benchmark and tests three.
import { fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A content-creating request as the app process recorded it when sending (bench/app-process.mjs). */
export interface ContentRequest {
  readonly at: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly secondaryLimit: boolean;
}

/** The Dockerfile's `ENV ... NODE_OPTIONS=...`, read from it so the two cannot drift apart. */
function productionNodeOptions(): string {
  const dockerfile = readFileSync(new URL("../Dockerfile", import.meta.url), "utf8");
  const options = /^ENV .*\bNODE_OPTIONS=(?:"([^"]*)"|(\S+))/m.exec(dockerfile)?.slice(1).find(Boolean);
  if (options === undefined)
    throw new Error("the Dockerfile sets no NODE_OPTIONS (ENV ... NODE_OPTIONS=...)");
  return options;
}

/** Messages to and from bench/app-process.mjs. */
type ToApp = { type: "idle" | "peak-rss" | "content-requests" | "metrics"; id: number };
/** A commit the app process made: the repository's name, when, the builds (delivery ids) it carried. */
export interface AppCommit {
  readonly type: "commit";
  readonly repo: string;
  readonly at: number;
  readonly builds: string[];
  readonly replica?: string;
}
type FromApp =
  | { type: "ready" }
  | AppCommit
  | { type: "idle"; id: number }
  | { type: "peak-rss"; id: number; bytes: number }
  | { type: "metrics"; id: number; text: string }
  | { type: "content-requests"; id: number; requests: ContentRequest[] };

/** The app in its own process (bench/app-process.mjs, the built app), talking to this one over IPC. */
export async function forkApp(env: Record<string, string>, onCommit: (commit: AppCommit) => void) {
  const child = fork(fileURLToPath(new URL("./app-process.mjs", import.meta.url)), [], {
    // NODE_OPTIONS as the Dockerfile sets them for production.
    // No scheduled reconciliation pass in the middle of the burst: bench:reconcile measures passes.
    // `env` may turn the schedule on again (the fleet's one-pass-per-interval test).
    env: {
      ...process.env,
      NODE_ENV: "production",
      NODE_OPTIONS: productionNodeOptions(),
      RECONCILE_SCHEDULE: "off",
      ...env,
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
      else if (message.type === "commit") onCommit(message);
      else {
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
    metricsText: async () => {
      const answer = await ask("metrics");
      if (answer.type !== "metrics") throw new Error("the app process answered out of turn");
      return answer.text;
    },
    contentRequests: async () => {
      const answer = await ask("content-requests");
      if (answer.type !== "content-requests") throw new Error("the app process answered out of turn");
      return answer.requests;
    },
    /**
     * Ends the process: SIGTERM (the default) lets it shut down as production does (src/runtime/shutdown.ts),
     * SIGKILL kills it where it stands. Resolves once it exited.
     */
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
    /** Whether the process still runs. */
    alive: () => child.exitCode === null && child.signalCode === null,
  };
}
