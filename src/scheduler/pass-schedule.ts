/**
 * When each manifests repository's next scheduled reconciliation pass is due. `claim` is atomic: of
 * the replicas whose schedulers find a repository due at once, exactly one gets it for the interval.
 */
export interface PassSchedule {
  /**
   * True when the key's pass is due at `now` (never claimed, or its next time has come): from now on
   * it is next due at `next`. False (and nothing changes) when another claim got it first.
   */
  claim(key: string, now: number, next: number): Promise<boolean>;
  /** Gives a claim back (its pass did not run: another pass held the installation): due again now. */
  release(key: string): Promise<void>;
}

/** In memory: this process's schedule (a pass is due right after a start). */
export class MemoryPassSchedule implements PassSchedule {
  private readonly next = new Map<string, number>();

  async claim(key: string, now: number, next: number): Promise<boolean> {
    if (now < (this.next.get(key) ?? 0)) return false;
    this.next.set(key, next);
    return true;
  }

  async release(key: string): Promise<void> {
    this.next.delete(key);
  }
}
