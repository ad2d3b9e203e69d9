// The feedback benchmark's rig: the real app (createBot behind the real Probot server, Probot's own
// Octokit with throttling and retries on, as in production) in this process, restartable, against the
// GitHub twin; Argo CD twins whose notifications reach the app's /api/argocd through a recorder that
// notes when each one was sent.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { run } from "probot";
import { appOctokit } from "../src/adapters/github/app-octokit.js";
import { createBot, type Bot, type BotOptions } from "../src/app.js";
import { startHarness, type Harness, type HarnessOptions } from "../twin/harness.js";

/** A notification as the recorder in front of the app received it. */
export interface RecordedNotification {
  readonly at: number;
  readonly application: string;
  readonly revision: string | undefined;
  readonly healthStatus: string | undefined;
  /** The app's answer. */
  readonly status: number;
}

export interface FeedbackRig {
  readonly harness: Harness;
  /** The app now running (a new one after `restartApp`). */
  bot(): Bot;
  /** Stops the app's server and starts a new app with the same settings: nothing cached, nothing tracked. */
  restartApp(): Promise<void>;
  /** Where Argo CD Notifications post (the recorder, which forwards to the app's /api/argocd). */
  readonly notificationUrl: string;
  readonly notifications: RecordedNotification[];
  close(): Promise<void>;
}

/** The headers Argo CD's webhook service sets that the app reads. */
const FORWARDED = ["content-type", "authorization", "x-gitops-image-bot-secret", "user-agent"];

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** An HTTP server that notes when each notification arrives, then hands it to the app unchanged. */
async function startRecorder(
  target: () => string,
  notifications: RecordedNotification[],
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const at = Date.now();
    void (async () => {
      const body = await readBody(request);
      const headers: Record<string, string> = {};
      for (const name of FORWARDED) {
        const value = request.headers[name];
        if (typeof value === "string") headers[name] = value;
      }
      const answer = await fetch(target(), { method: request.method ?? "POST", headers, body });
      const text = await answer.text();
      let parsed: { application?: string; revision?: string; healthStatus?: string } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        // recorded as it came
      }
      notifications.push({
        at,
        application: parsed.application ?? "?",
        revision: parsed.revision ?? undefined,
        healthStatus: parsed.healthStatus ?? undefined,
        status: answer.status,
      });
      response.writeHead(answer.status, { "content-type": "application/json" });
      response.end(text);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

/** The app in this process as `probot run` starts it, restartable with the same environment. */
export async function startFeedbackRig(
  options: BotOptions,
  repos: NonNullable<HarnessOptions["repos"]>,
): Promise<FeedbackRig> {
  let bot: Bot | undefined;
  let server: { stop(): Promise<void> } | undefined;
  let appEnv: Record<string, string> = {};
  const sigintBefore = new Set(process.listeners("SIGINT"));
  const startApp = async (env: Record<string, string>) => {
    appEnv = env;
    bot = createBot(options);
    // The Octokit production runs with (src/start.ts): retries and throttling on, writes spaced.
    server = await run(bot.appFn, { env, Octokit: appOctokit() });
    return { stop: () => server!.stop() };
  };
  const notifications: RecordedNotification[] = [];
  const recorder = await startRecorder(
    () => `http://127.0.0.1:${appEnv["PORT"] ?? ""}/api/argocd`,
    notifications,
  );
  const harness = await startHarness({
    startApp,
    appIdle: () => bot!.idle(),
    repos,
    productionOctokit: true,
  });
  const dropSigint = () => {
    for (const listener of process.listeners("SIGINT"))
      if (!sigintBefore.has(listener)) process.removeListener("SIGINT", listener);
  };
  return {
    harness,
    bot: () => bot!,
    notificationUrl: recorder.url,
    notifications,
    restartApp: async () => {
      bot!.stop();
      await server!.stop();
      dropSigint();
      await startApp(appEnv);
    },
    close: async () => {
      bot?.stop();
      await harness.close();
      dropSigint();
      recorder.server.closeAllConnections();
      await new Promise((resolve) => recorder.server.close(resolve));
    },
  };
}

/** Resolves with the moment `predicate` first holds, looking every 2 ms (the twin runs in this process). */
export function whenTrue(predicate: () => boolean, timeoutMs: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const look = setInterval(() => {
      if (predicate()) {
        clearInterval(look);
        resolve(Date.now());
      } else if (Date.now() > deadline) {
        clearInterval(look);
        reject(new Error(`${what} did not happen in ${timeoutMs} ms`));
      }
    }, 2);
  });
}
