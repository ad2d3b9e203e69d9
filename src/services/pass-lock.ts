/** A reconciliation pass's hold on its installation, released when the pass ends. */
export interface HeldPass {
  release(): Promise<void>;
}

/**
 * One reconciliation pass per installation at a time: in this process, or across the fleet (a lock
 * in Redis with an expiry, so a replica that dies holding it holds it only until it expires).
 */
export interface PassLock {
  /** The hold on the installation, or undefined when a pass of it is running already. */
  acquire(installationId: number): Promise<HeldPass | undefined>;
}

/** In memory: the passes of this process. */
export class MemoryPassLock implements PassLock {
  private readonly held = new Set<number>();

  async acquire(installationId: number): Promise<HeldPass | undefined> {
    if (this.held.has(installationId)) return undefined;
    this.held.add(installationId);
    return { release: async () => void this.held.delete(installationId) };
  }
}
