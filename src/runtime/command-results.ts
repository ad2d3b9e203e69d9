import type { Redis } from "ioredis";
import type { CommandResult } from "../commands/command-job.js";
import type { Logger } from "../services/deployer.js";
import type { Fleet } from "./fleet.js";

/** How long a command's result is kept for an asker that missed the message (reconnected). */
const RESULT_TTL_SECONDS = 600;
/** An asker waits at most this long for a result (the batch's replica and its successor both gone). */
const DEFAULT_WAIT_MS = 15 * 60_000;

/**
 * Commands' results back to the replica that asked: whoever runs a command's batch publishes the result
 * on `${prefix}command-results` and keeps it for ten minutes under `${prefix}command-result:<id>`; the
 * asker settles the command when the message comes, or reads the key once its subscription is (again)
 * in place, so a result published before it listened is not lost. An asker gone: the write happened all
 * the same, and the result expires.
 */
export class CommandResults {
  private readonly waiting = new Map<
    string,
    { settle: (result: CommandResult) => void; timer: NodeJS.Timeout }
  >();
  private readonly subscriber: Redis;
  private readonly channel: string;
  private closed = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly log: Logger,
    private readonly waitMs: number = DEFAULT_WAIT_MS,
  ) {
    this.channel = `${fleet.prefix}command-results`;
    this.subscriber = fleet.connection("command-results");
    this.subscriber.on("message", (_channel: string, message: string) => this.received(message));
    // Subscribed (again, after a reconnect): results published meanwhile are read from their keys.
    this.subscriber.on("ready", () => void this.recheck());
    this.subscriber.subscribe(this.channel).then(
      () => this.recheck(),
      (error: unknown) => this.log.warn({ err: error }, "could not subscribe to the commands' results"),
    );
  }

  /** Settles `settle` when the command queued as `id` is done, wherever it ran. */
  expect(id: string, settle: (result: CommandResult) => void): void {
    const timer = setTimeout(() => {
      this.waiting.delete(id);
      settle({ kind: "failed", message: "no replica answered for the command in time; it may still land" });
    }, this.waitMs);
    timer.unref?.();
    this.waiting.set(id, { settle, timer });
  }

  /** Stops waiting for `id` (its item never made it into the queue). */
  forget(id: string): void {
    const found = this.waiting.get(id);
    if (found) clearTimeout(found.timer);
    this.waiting.delete(id);
  }

  /** The settle of a command run here that another replica (or this one) asked for. */
  settleFor(id: string): (result: CommandResult) => void {
    return (result) => {
      const message = JSON.stringify({ id, result });
      this.fleet.redis
        .multi()
        .set(this.resultKey(id), message, "EX", RESULT_TTL_SECONDS)
        .publish(this.channel, message)
        .exec()
        .catch((error: unknown) =>
          this.log.warn({ err: error, command: id }, "the command's result could not be sent back"),
        );
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    if (this.subscriber.status === "ready") await this.subscriber.unsubscribe(this.channel).catch(() => 0);
  }

  private resultKey(id: string): string {
    return `${this.fleet.prefix}command-result:${id}`;
  }

  private received(message: string): void {
    let parsed: { id?: unknown; result?: CommandResult };
    try {
      parsed = JSON.parse(message) as typeof parsed;
    } catch {
      return;
    }
    if (typeof parsed.id !== "string" || !parsed.result) return;
    const found = this.waiting.get(parsed.id);
    if (!found) return;
    this.forget(parsed.id);
    found.settle(parsed.result);
  }

  private async recheck(): Promise<void> {
    if (this.closed) return;
    for (const id of [...this.waiting.keys()]) {
      const message = await this.fleet.redis.get(this.resultKey(id)).catch(() => null);
      if (message) this.received(message);
    }
  }
}
