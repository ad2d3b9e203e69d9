import type { PacerLane } from "./pacer.js";

/** One minute and one hour: GitHub's secondary limits on content-creating requests (80 a minute, 500 an hour). */
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/**
 * Where the content-creating requests of one installation are counted: in memory (one process) or in
 * the fleet's Redis (every replica's requests in one budget).
 */
export interface PacerWindows {
  /**
   * 0 when one more request of `lane` fits in the windows now: it is counted as sent at `now`.
   * Otherwise how long until it may fit (nothing is counted). Atomic: two callers never both get the
   * last slot.
   */
  reserve(lane: PacerLane, now: number): number | Promise<number>;
}

/** The budgets of each lane, as shares of the windows (see `Pacer`). */
export interface PacerLimits {
  readonly perMinute: number;
  readonly perHour: number;
  /** Reports may use this share of each window, so that they never starve the writes. */
  readonly reportShare: number;
  /** Replies and reactions to comments may use this (smaller) share of each window for themselves. */
  readonly replyShare: number;
}

export function pacerLimits(perMinute: number, perHour: number): PacerLimits {
  return { perMinute, perHour, reportShare: 2 / 3, replyShare: 1 / 3 };
}

/** How many of a window a lane may use with `share` of it: at least one. */
export function shareOf(count: number, share: number): number {
  return Math.max(1, Math.floor(count * share));
}

/** Sliding windows in memory: when each request was sent, for one process. */
export class MemoryPacerWindows implements PacerWindows {
  private readonly sent: number[] = [];
  /** When replies were sent, a subset of `sent`. */
  private readonly replies: number[] = [];

  constructor(private readonly limits: PacerLimits) {}

  reserve(lane: PacerLane, now: number): number {
    const { reportShare, replyShare } = this.limits;
    let wait = this.waitMs(this.sent, lane === "write" ? 1 : reportShare, now);
    if (lane === "reply") wait = Math.max(wait, this.waitMs(this.replies, replyShare, now));
    if (wait > 0) return wait;
    this.sent.push(now);
    if (lane === "reply") this.replies.push(now);
    return 0;
  }

  /** How long until one more of `sent` fits in `share` of each window. */
  private waitMs(sent: number[], share: number, now: number): number {
    const perMinute = shareOf(this.limits.perMinute, share);
    const perHour = shareOf(this.limits.perHour, share);
    const hourAgo = now - HOUR_MS;
    while ((sent[0] ?? now) <= hourAgo) sent.shift();
    const inLastMinute = sent.filter((at) => now - at < MINUTE_MS);
    // The oldest request that must leave the window before one more fits.
    const minuteBlocker = inLastMinute.at(-perMinute);
    const hourBlocker = sent.at(-perHour);
    let wait = 0;
    if (inLastMinute.length >= perMinute && minuteBlocker !== undefined)
      wait = minuteBlocker + MINUTE_MS - now;
    if (sent.length >= perHour && hourBlocker !== undefined)
      wait = Math.max(wait, hourBlocker + HOUR_MS - now);
    return wait;
  }
}
