import type { DeployItem } from "../services/deployer.js";
import type { ManifestsRepo } from "../services/manifests-registry.js";

/** What the metrics read of the deploy queue. */
export interface QueueFigures {
  /** Items waiting for a batch (not those being written). */
  readonly depth: number;
  /** How long the oldest waiting item has waited (ms); undefined when nothing waits. */
  readonly oldestAgeMs: number | undefined;
}

/**
 * The deploy queue, per installation and manifests repository: in memory for one process
 * (`MemoryDeployQueue`), in Redis on BullMQ for a fleet (`RedisDeployQueue`). Both batch the same way:
 * a lone item at once, what arrives while a batch runs (or within the window after it) in the next
 * batch, a window after; at most one batch per key at a time (across the fleet in Redis).
 */
export interface DeployQueuePort {
  /**
   * Queues an item; resolves once it is queued (in Redis: once Redis has it), rejects when it could not
   * be (Redis unreachable: the caller answers 503 so the sender retries). An item refused because too
   * many wait for its repository is not an error: a command is settled `failed`, a build logged.
   */
  enqueue(installationId: number, repo: ManifestsRepo, item: DeployItem): Promise<void>;
  /** Queues an item again for its repository (a build whose files were found later); its window stays. */
  again(item: DeployItem): Promise<void>;
  /** Resolves when nothing is queued or being written (in Redis: fleet-wide). */
  idle(): Promise<void>;
  figures(): Promise<QueueFigures>;
  /**
   * Stops taking batches and finishes the one being written (in Redis, after `handBackAfterMs` a batch
   * still running is left to another replica, as if this one had died).
   */
  close(): Promise<void>;
}

/** A command's answer when its job could not be queued (Redis unreachable). */
export function notQueued(error: unknown): string {
  return `the job could not be queued (${error instanceof Error ? error.message : String(error)}); try again`;
}
