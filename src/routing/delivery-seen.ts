import { Lru } from "../services/lru.js";

/**
 * Which deliveries (and comments) were handled already. `claim` is atomic: of two callers claiming the
 * same key at once, in this process or on two replicas, exactly one gets `true`.
 */
export interface DeliverySeen {
  /** True when none of the keys was seen before; from now on all of them are. */
  claim(keys: readonly string[]): Promise<boolean>;
  /** Forgets the keys (a claimed delivery whose work could not be queued: its redelivery is taken). */
  release(keys: readonly string[]): Promise<void>;
}

/** In memory (one process): the last 20,000 keys (10,000 deliveries and their comments, as before). */
export class MemoryDeliverySeen implements DeliverySeen {
  private readonly seen = new Lru<string, true>(20_000);

  async claim(keys: readonly string[]): Promise<boolean> {
    if (keys.some((key) => this.seen.has(key))) return false;
    for (const key of keys) this.seen.set(key, true);
    return true;
  }

  async release(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.seen.delete(key);
  }
}
