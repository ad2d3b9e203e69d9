/** Runs one batch of a key's items; items that arrive meanwhile wait for the next batch of that key. */
export type BatchRunner<T> = (key: string, items: T[]) => Promise<void>;

interface Lane<T> {
  items: T[];
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
}

/**
 * Coalesces work per key (a manifests repository and branch): the first item opens a window, every
 * item arriving within it joins the same batch, and one batch per key runs at a time. Different keys
 * run in parallel. `idle()` resolves when nothing is queued or running.
 */
export class BatchQueue<T> {
  private readonly lanes = new Map<string, Lane<T>>();
  private waiters: (() => void)[] = [];

  constructor(
    private readonly run: BatchRunner<T>,
    private readonly windowMs: (key: string) => number,
    private readonly onError: (key: string, error: unknown) => void,
  ) {}

  add(key: string, item: T): void {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { items: [], timer: undefined, running: undefined };
      this.lanes.set(key, lane);
    }
    lane.items.push(item);
    if (!lane.timer && !lane.running) this.schedule(key, lane);
  }

  get depth(): number {
    let depth = 0;
    for (const lane of this.lanes.values()) depth += lane.items.length;
    return depth;
  }

  idle(): Promise<void> {
    if (this.lanes.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private schedule(key: string, lane: Lane<T>): void {
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      const items = lane.items;
      lane.items = [];
      lane.running = this.run(key, items)
        .catch((error: unknown) => this.onError(key, error))
        .finally(() => {
          lane.running = undefined;
          if (lane.items.length > 0) this.schedule(key, lane);
          else this.retire(key, lane);
        });
    }, this.windowMs(key));
  }

  private retire(key: string, lane: Lane<T>): void {
    if (this.lanes.get(key) === lane) this.lanes.delete(key);
    if (this.lanes.size > 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
