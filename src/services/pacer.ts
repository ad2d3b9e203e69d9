/**
 * Spaces content-creating requests (commits, pull requests, statuses, deployments) of one installation
 * so they stay under GitHub's secondary limits (80 a minute, 500 an hour): a sliding window per minute
 * and per hour. Writes that land a change ask with priority over reports.
 */
export class Pacer {
  private readonly sent: number[] = [];
  private queue: { priority: boolean; resolve: () => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly perMinute: number,
    private readonly perHour: number,
    private readonly now: () => number = Date.now,
    /** Reports may use this share of each window, so that they never starve the writes. */
    private readonly reportShare = 2 / 3,
  ) {}

  /** Resolves when one more content-creating request may be sent. */
  take(priority = false): Promise<void> {
    return new Promise((resolve) => {
      if (priority) {
        const firstReport = this.queue.findIndex((waiter) => !waiter.priority);
        this.queue.splice(firstReport === -1 ? this.queue.length : firstReport, 0, { priority, resolve });
      } else this.queue.push({ priority, resolve });
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

  private drain(): void {
    if (this.timer) return;
    for (;;) {
      const next = this.queue[0];
      if (!next) return;
      const wait = next.priority
        ? this.waitMs(this.perMinute, this.perHour)
        : this.waitMs(
            Math.max(1, Math.floor(this.perMinute * this.reportShare)),
            Math.max(1, Math.floor(this.perHour * this.reportShare)),
          );
      if (wait > 0) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.drain();
        }, wait);
        return;
      }
      this.queue.shift();
      this.sent.push(this.now());
      next.resolve();
    }
  }

  private waitMs(perMinute: number, perHour: number): number {
    const now = this.now();
    const hourAgo = now - 3_600_000;
    while ((this.sent[0] ?? now) <= hourAgo) this.sent.shift();
    const inLastMinute = this.sent.filter((at) => now - at < 60_000);
    // The oldest request that must leave the window before one more fits.
    const minuteBlocker = inLastMinute.at(-perMinute);
    const hourBlocker = this.sent.at(-perHour);
    let wait = 0;
    if (inLastMinute.length >= perMinute && minuteBlocker !== undefined) wait = minuteBlocker + 60_000 - now;
    if (this.sent.length >= perHour && hourBlocker !== undefined)
      wait = Math.max(wait, hourBlocker + 3_600_000 - now);
    return wait;
  }
}
