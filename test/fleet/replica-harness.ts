import { run, ProbotOctokit } from "probot";
import { createBot, type Bot, type BotOptions } from "../../src/app.js";
import { freePort } from "../../twin/harness.js";
import type { Delivery } from "../../twin/webhooks.js";
import { REPORT_ROUTES, type BotHarness } from "../e2e/bot-harness.js";

/** Another replica of the app: its own Probot server and state, against the same twin (and Redis). */
export interface Replica {
  readonly bot: Bot;
  /** Where the replica listens (for `/api/builds`). */
  readonly origin: string;
  /** Sends a signed webhook to this replica (not the app's webhook URL, which is the first replica's). */
  send(event: string, payload: Record<string, unknown>): Promise<Delivery>;
  /** Waits until the twin and this replica are idle. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a second app process's worth of app on the first replica's twin, with the same app id, key
 * and secret (as a second pod of one Deployment), a short batch window and no scheduler.
 */
export async function startReplica(first: BotHarness, options: BotOptions = {}): Promise<Replica> {
  const bot = createBot({ batchWindowMs: 150, scheduleTickMs: 0, warmUp: false, ...options });
  const port = await freePort();
  const env = { ...first.env, PORT: String(port) };
  // As the harness's: retries and throttling off, for fast tests.
  const Octokit = ProbotOctokit.defaults((octokitOptions: Record<string, unknown>) => ({
    ...octokitOptions,
    retry: { enabled: false },
    throttle: { enabled: false },
  }));
  const sigintBefore = new Set(process.listeners("SIGINT"));
  const server = await run(bot.appFn, { env, Octokit });
  const sigintAdded = process.listeners("SIGINT").filter((listener) => !sigintBefore.has(listener));
  const origin = `http://127.0.0.1:${port}`;
  const { twin, installation } = first;
  const idle = async (): Promise<void> => {
    await twin.webhooks.settled();
    await bot.idle();
    await twin.idle();
  };
  return {
    bot,
    origin,
    idle,
    send: (event, payload) =>
      twin.deliver({ ...first.app, webhookUrl: `${origin}/api/github/webhooks` }, event, {
        ...payload,
        installation: { id: installation.id, node_id: `I_${installation.id}` },
      }),
    close: async () => {
      await bot.close();
      await server.stop();
      for (const listener of sigintAdded) process.removeListener("SIGINT", listener);
    },
  };
}

/** The requests of one build of acme/<name> sent to `replica`, settled, by route, without its reports. */
export async function replicaBuildRequests(
  first: BotHarness,
  replica: Replica,
  name: string,
  sha: string,
): Promise<Record<string, number>> {
  first.twin.counters.reset();
  await replica.send("workflow_run", first.workflowRun(name, sha));
  await replica.idle();
  return Object.fromEntries(
    Object.entries(first.twin.counters.snapshot().byRoute).filter(
      ([route]) => !REPORT_ROUTES.includes(route),
    ),
  );
}
