/** Runs one batch of a key's items; items that arrive meanwhile wait for the next batch of that key. */
export type BatchRunner<T> = (key: string, items: T[]) => Promise<void>;

interface Lane<T> {
  items: T[];
  /** When each waiting item was added (ms), in the items' order. */
  addedAt: number[];
  /** The next batch's start, while it waits. */
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  /** When the last batch ended: the next may start a window after it. */
  endedAt: number | undefined;
  /** Forgets a lane that stayed without work for its window (its next item then starts at once). */
  rest: NodeJS.Timeout | undefined;
}

export interface BatchLimits<T> {
  /** Items per batch at most: the rest waits for the key's next batch, which starts as soon as this one ends. */
  readonly maxBatch: number;
  /** Items waiting per key at most: beyond it an item is refused (`onRefused`), so memory stays bounded. */
  readonly maxWaiting: number;
  readonly onRefused: (key: string, item: T) => void;
}

/** A mass rebuild (all 300+ services at once, several builds each) fits; a batch stays quick to plan. */
export const DEFAULT_MAX_BATCH = 200;
/** About 1 KB an item: 10,000 waiting builds are ~10 MB, far below the production heap. */
export const DEFAULT_MAX_WAITING = 10_000;

/**
 * Coalesces work per key (a manifests repository and branch), one batch per key at a time, without
 * waiting when there is nothing to coalesce: an item for a key that ran no batch within its window
 * starts a batch at once; items that arrive while a batch runs, or within the window after it ended,
 * form the key's next batch, which starts a window after the previous one ended. So a lone build is
 * written at once and a burst becomes one batch per window and batch duration. A batch takes at most
 * `maxBatch` items in arrival order; a key with a full batch's worth waiting runs it right after the
 * current one, without a window. Different keys run in parallel. `idle()` resolves when nothing is
 * queued or running.
 */
export class BatchQueue<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private waiters: (() => void)[] = [];
  private readonly limits: BatchLimits<T>;
  private closed = false;

  constructor(
    private readonly run: BatchRunner<T>,
    private readonly windowMs: (key: string) => number,
    private readonly onError: (key: string, error: unknown) => void,
    limits: Partial<BatchLimits<T>> = {},
  ) {
    this.limits = {
      maxBatch: limits.maxBatch ?? DEFAULT_MAX_BATCH,
      maxWaiting: limits.maxWaiting ?? DEFAULT_MAX_WAITING,
      onRefused: limits.onRefused ?? (() => undefined),
    };
    if (!(this.limits.maxBatch >= 1 && this.limits.maxWaiting >= this.limits.maxBatch))
      throw new Error("BatchQueue: maxBatch must be at least 1 and maxWaiting at least maxBatch");
  }

  /** Queues an item; false (and `onRefused`) when its key already has `maxWaiting` items waiting. */
  add(key: string, item: T): boolean {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = {
        items: [],
        addedAt: [],
        timer: undefined,
        running: undefined,
        endedAt: undefined,
        rest: undefined,
      };
      this.lanes.set(key, lane);
    }
    if (lane.items.length >= this.limits.maxWaiting) {
      this.limits.onRefused(key, item);
      return false;
    }
    lane.items.push(item);
    lane.addedAt.push(Date.now());
    if (lane.rest) clearTimeout(lane.rest);
    lane.rest = undefined;
    if (!lane.timer && !lane.running && !this.closed) {
      const since = lane.endedAt === undefined ? Infinity : Date.now() - lane.endedAt;
      this.schedule(key, lane, Math.max(0, this.windowMs(key) - since));
    }
    return true;
  }

  get depth(): number {
    let depth = 0;
    for (const lane of this.lanes.values()) depth += lane.items.length;
    return depth;
  }

  /** When the longest-waiting item was added (ms since the epoch); undefined when nothing waits. */
  get oldestAddedAt(): number | undefined {
    let oldest: number | undefined;
    for (const lane of this.lanes.values()) {
      const first = lane.addedAt[0];
      if (first !== undefined && (oldest === undefined || first < oldest)) oldest = first;
    }
    return oldest;
  }

  /**
   * Starts no batch from now on (waiting items stay where they are) and resolves when the running
   * batches have ended.
   */
  async close(): Promise<void> {
    this.closed = true;
    for (const lane of this.lanes.values()) {
      if (lane.timer) clearTimeout(lane.timer);
      lane.timer = undefined;
      if (lane.rest) clearTimeout(lane.rest);
      lane.rest = undefined;
    }
    await Promise.all([...this.lanes.values()].map((lane) => lane.running));
  }

  idle(): Promise<void> {
    if (![...this.lanes.values()].some(busy)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(key: string, lane: Lane<T>, delayMs: number): void {
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      const items = lane.items.slice(0, this.limits.maxBatch);
      lane.items = lane.items.slice(items.length);
      lane.addedAt = lane.addedAt.slice(items.length);
      lane.running = this.run(key, items)
        .catch((error: unknown) => this.onError(key, error))
        .finally(() => {
          lane.running = undefined;
          lane.endedAt = Date.now();
          if (this.closed) return;
          // A full batch's worth already waiting: no reason to wait a window for more.
          if (lane.items.length >= this.limits.maxBatch) this.schedule(key, lane, 0);
          else if (lane.items.length > 0) this.schedule(key, lane, this.windowMs(key));
          else this.rest(key, lane);
        });
    }, delayMs);
  }

  /** The lane has no work: it is idle now, and forgotten once its window has passed. */
  private rest(key: string, lane: Lane<T>): void {
    lane.rest = setTimeout(() => {
      if (this.lanes.get(key) === lane && !busy(lane)) this.lanes.delete(key);
    }, this.windowMs(key));
    lane.rest.unref?.();
    if ([...this.lanes.values()].some(busy)) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

function busy<T>(lane: Lane<T>): boolean {
  return lane.items.length > 0 || lane.timer !== undefined || lane.running !== undefined;
}
