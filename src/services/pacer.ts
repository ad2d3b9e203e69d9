/**
 * Which requests a pacer slot is for, in the order they are served: writes that land a change, reports
 * about them (statuses, deployments, the dashboard), and replies and reactions to people's comments.
 */
export type PacerLane = "write" | "report" | "reply";

const RANK: Readonly<Record<PacerLane, number>> = { write: 0, report: 1, reply: 2 };

/**
 * Spaces content-creating requests (commits, pull requests, statuses, deployments, comments, reactions)
 * of one installation so they stay under GitHub's secondary limits (80 a minute, 500 an hour): a
 * sliding window per minute and per hour. Writes go first and may fill the window; reports go while
 * less than `reportShare` of it is used; replies too, and while replies themselves used less than
 * `replyShare` of it. So neither takes the slots deploys need, and a burst of comments waits for its
 * own small share. When a lane waits, every lane below it waits too (or for a share of its own), so one
 * queue ordered by lane serves them all.
 */
export class Pacer {
  private readonly sent: number[] = [];
  /** When replies were sent, a subset of `sent`. */
  private readonly replies: number[] = [];
  private queue: { lane: PacerLane; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly perMinute: number,
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
    /** Reports may use this share of each window, so that they never starve the writes. */
    private readonly reportShare = 2 / 3,
    /** Replies and reactions to comments may use this (smaller) share of each window for themselves. */
    private readonly replyShare = 1 / 3,
  ) {}

  /**
   * Resolves when one more content-creating request may be sent: `true` is a write, `false` a report
   * (as callers that predate the lanes say).
   */
  take(lane: PacerLane | boolean = false): Promise<void> {
    const named: PacerLane = lane === true ? "write" : lane === false ? "report" : lane;
    return new Promise((resolve) => {
      if (this.closed) return; // never sent: the app is stopping
      const after = this.queue.findIndex((waiter) => RANK[waiter.lane] > RANK[named]);
      this.queue.splice(after === -1 ? this.queue.length : after, 0, { lane: named, resolve });
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
    if (this.timer) return;
    for (;;) {
      const next = this.queue[0];
      if (!next) return;
      const share = next.lane === "write" ? 1 : this.reportShare;
      let wait = this.waitMs(this.sent, share);
      if (next.lane === "reply") wait = Math.max(wait, this.waitMs(this.replies, this.replyShare));
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, wait);
        return;
      }
      this.queue.shift();
      this.sent.push(this.now());
      if (next.lane === "reply") this.replies.push(this.now());
      next.resolve();
    }
  }

  /** How long until one more of `sent` fits in `share` of each window. */
  private waitMs(sent: number[], share: number): number {
    const perMinute = Math.max(1, Math.floor(this.perMinute * share));
    const perHour = Math.max(1, Math.floor(this.perHour * share));
    const now = this.now();
    const hourAgo = now - 3_600_000;
    while ((sent[0] ?? now) <= hourAgo) sent.shift();
    const inLastMinute = sent.filter((at) => now - at < 60_000);
    // The oldest request that must leave the window before one more fits.
    const minuteBlocker = inLastMinute.at(-perMinute);
    const hourBlocker = sent.at(-perHour);
    let wait = 0;
    if (inLastMinute.length >= perMinute && minuteBlocker !== undefined) wait = minuteBlocker + 60_000 - now;
    if (sent.length >= perHour && hourBlocker !== undefined)
      wait = Math.max(wait, hourBlocker + 3_600_000 - now);
    return wait;
  }
}
