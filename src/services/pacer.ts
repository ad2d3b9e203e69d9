import { MemoryPacerWindows, pacerLimits, type PacerWindows } from "./pacer-windows.js";

/**
 * Which requests a pacer slot is for, in the order they are served: writes that land a change, reports
 * about them (statuses, deployments, the dashboard), and replies and reactions to people's comments.
 */
export type PacerLane = "write" | "report" | "reply";

const RANK: Readonly<Record<PacerLane, number>> = { write: 0, report: 1, reply: 2 };

interface Waiter {
  readonly lane: PacerLane;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Spaces content-creating requests (commits, pull requests, statuses, deployments, comments, reactions)
 * of one installation so they stay under GitHub's secondary limits (80 a minute, 500 an hour): a
 * sliding window per minute and per hour. Writes go first and may fill the window; reports go while
 * less than `reportShare` of it is used; replies too, and while replies themselves used less than
 * `replyShare` of it. So neither takes the slots deploys need, and a burst of comments waits for its
 * own small share. When a lane waits, every lane below it waits too (or for a share of its own), so one
 * queue ordered by lane serves them all. The windows are counted by `windows`: in memory, or in the
 * fleet's Redis, where every replica's requests share one budget (the queue stays this process's).
 */
export class Pacer {
  private queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** A reservation is on its way to shared windows: nothing else is asked until it answers. */
  private reserving = false;
  private closed = false;

  constructor(
    perMinute: number,
    perHour: number,
    private readonly now: () => number = Date.now,
    /** Where sends are counted; default: in memory, with these limits. */
    private readonly windows: PacerWindows = new MemoryPacerWindows(pacerLimits(perMinute, perHour)),
  ) {}

  /**
   * Resolves when one more content-creating request may be sent: `true` is a write, `false` a report
   * (as callers that predate the lanes say). Rejects when shared windows cannot be reached.
   */
  take(lane: PacerLane | boolean = false): Promise<void> {
    const named: PacerLane = lane === true ? "write" : lane === false ? "report" : lane;
    return new Promise((resolve, reject) => {
      if (this.closed) return; // never sent: the app is stopping
      const after = this.queue.findIndex((waiter) => RANK[waiter.lane] > RANK[named]);
      this.queue.splice(after === -1 ? this.queue.length : after, 0, { lane: named, resolve, reject });
      // A write may go now even while a report waits for its smaller share: decide again.
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
      this.drain();
    });
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Stops: requests still waiting are never sent, and no timer is left running. */
  close(): void {
    this.closed = true;
    this.queue = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private drain(): void {
    if (this.timer || this.reserving) return;
    for (;;) {
      const next = this.queue[0];
      if (!next || this.closed) return;
      const wait = this.windows.reserve(next.lane, this.now());
      if (typeof wait !== "number") {
        this.reserving = true;
        wait.then(
          (ms) => this.reserved(next, ms),
          (error: unknown) => this.failed(next, error),
        );
        return;
      }
      if (!this.settle(next, wait)) return;
    }
  }

  /** Shared windows answered: the waiter goes, or the pacer waits (unless another waiter came first). */
  private reserved(waiter: Waiter, wait: number): void {
    this.reserving = false;
    if (wait > 0 && this.queue[0] !== waiter) return this.drain();
    if (this.settle(waiter, wait)) this.drain();
  }

  private failed(waiter: Waiter, error: unknown): void {
    this.reserving = false;
    this.remove(waiter);
    waiter.reject(error);
    this.drain();
  }

  /** Sends the waiter when `wait` is 0 (true), else waits `wait` before deciding again (false). */
  private settle(waiter: Waiter, wait: number): boolean {
    if (this.closed) return false;
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.drain();
      }, wait);
      return false;
    }
    this.remove(waiter);
    waiter.resolve();
    return true;
  }

  private remove(waiter: Waiter): void {
    const at = this.queue.indexOf(waiter);
    if (at !== -1) this.queue.splice(at, 1);
  }
}
