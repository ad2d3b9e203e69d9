/** What a graceful shutdown stops: the HTTP server first, then the app's work. */
export interface ShutdownParts {
  /** Probot's server: stops taking requests (webhooks go to the other replicas). */
  readonly server: { stop(): Promise<void> };
  /** The app: takes no new work, finishes the batch it is writing, closes its connections. */
  readonly bot: { close(): Promise<void> };
  readonly log: { info(object: object, message: string): void; warn(object: object, message: string): void };
}

/** Kubernetes' default grace period is 30 s; the Deployment gives 45 s, and the app keeps 5 s of it for itself. */
export const DEFAULT_GRACE_MS = 40_000;

/**
 * SIGTERM's handling (`docker stop`, a Kubernetes rollout or drain): stop taking webhooks, then let the
 * app finish what it is writing, within `graceMs`. What is not finished by then stays claimed in Redis
 * until its claim lapses, and another replica takes it over ("handed back"); without Redis it is lost, as
 * it always was, and the next reconciliation pass repairs it. Resolves with how it ended.
 */
export async function shutDown(
  parts: ShutdownParts,
  graceMs: number = DEFAULT_GRACE_MS,
): Promise<"finished" | "deadline"> {
  const started = Date.now();
  parts.log.info({ graceMs }, "SIGTERM: taking no more webhooks, finishing the work under way");
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"deadline">((resolve) => {
    timer = setTimeout(() => resolve("deadline"), graceMs);
    timer.unref();
  });
  const work = (async (): Promise<"finished"> => {
    await parts.server.stop();
    await parts.bot.close();
    return "finished";
  })();
  try {
    const ended = await Promise.race([work, deadline]);
    if (ended === "deadline")
      parts.log.warn(
        { graceMs },
        "SIGTERM: the grace period ran out; unfinished work is left to the other replicas",
      );
    else parts.log.info({ ms: Date.now() - started }, "SIGTERM: work finished, exiting");
    return ended;
  } finally {
    clearTimeout(timer);
  }
}

/** The grace period from SHUTDOWN_GRACE_SECONDS, else the default. */
export function graceMsFrom(env: Readonly<Record<string, string | undefined>>): number {
  const seconds = Number(env["SHUTDOWN_GRACE_SECONDS"]);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_GRACE_MS;
}
