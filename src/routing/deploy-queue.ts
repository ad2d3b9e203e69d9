import { repoKey } from "../adapters/github/octokit.js";
import { BatchQueue } from "../queue/batch-queue.js";
import type { DeployItem, Logger } from "../services/deployer.js";
import type { LastErrors } from "../services/last-errors.js";
import type { ManifestsRepo } from "../services/manifests-registry.js";
import type { DeployQueuePort, QueueFigures } from "./deploy-queue-port.js";

/** A repository's batch window when its config was never read (`batchWindowSeconds`' default). */
export const DEFAULT_WINDOW_MS = 4000;

export interface DeployQueueDeps {
  /** Runs one batch of one manifests repository (`Deployer.run`). */
  readonly run: (items: readonly DeployItem[]) => Promise<void>;
  /** Overrides every configuration's `batchWindowSeconds` (tests use a short window). */
  readonly batchWindowMs: number | undefined;
  readonly lastErrors: LastErrors;
  readonly log: Logger;
}

/**
 * Builds and commands, one queue per installation and manifests repository: a build for a repository
 * not written within its config's window goes at once, what arrives while a batch is written (or within
 * the window after it) goes together in the next batch, a window after; a failed batch is shown on the
 * dashboard, a refused item said so. One process's queue: what waits is lost when it exits (the
 * reconciliation pass repairs it); a fleet uses `RedisDeployQueue`.
 */
export class MemoryDeployQueue implements DeployQueuePort {
  private readonly windows = new Map<string, number>();
  private readonly queue: BatchQueue<DeployItem>;

  constructor(deps: DeployQueueDeps) {
    this.queue = new BatchQueue<DeployItem>(
      (_key, items) => deps.run(items),
      (key) => deps.batchWindowMs ?? this.windows.get(key) ?? DEFAULT_WINDOW_MS,
      (key, error) => batchFailed(deps, key, error),
      // Too much waiting for one repository: refused, said so; the next reconciliation pass repairs it.
      { onRefused: (key, item) => refused(deps.log, key, item) },
    );
  }

  /** Queues an item for the manifests repository (its config's window applies from now on). */
  readonly enqueue = (installationId: number, repo: ManifestsRepo, item: DeployItem): Promise<void> => {
    const key = queueKey(installationId, repo);
    if (repo.config.ok) this.windows.set(key, repo.config.config.batchWindowSeconds * 1000);
    this.queue.add(key, item);
    return Promise.resolve();
  };

  /** Queues an item again for its repository (a build whose files were found later); its window stays. */
  readonly again = (item: DeployItem): Promise<void> => {
    this.queue.add(queueKey(item.installationId, item.repo), item);
    return Promise.resolve();
  };

  /** Items waiting (not those being written). */
  get depth(): number {
    return this.queue.depth;
  }

  figures(): Promise<QueueFigures> {
    const oldest = this.queue.oldestAddedAt;
    return Promise.resolve({
      depth: this.queue.depth,
      oldestAgeMs: oldest === undefined ? undefined : Math.max(0, Date.now() - oldest),
    });
  }

  /** Starts no new batch and waits for the running ones; what still waits is lost with the process. */
  close(): Promise<void> {
    return this.queue.close();
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}

/** The queue's key: one installation's manifests repository. */
export function queueKey(installationId: number, repo: { owner: string; name: string }): string {
  return `${installationId}:${repoKey(repo)}`;
}

/** A batch that failed: on the dashboard and in the log (the next build or pass retries its builds). */
export function batchFailed(
  deps: Pick<DeployQueueDeps, "lastErrors" | "log">,
  key: string,
  error: unknown,
): void {
  const [, owner = "", name = ""] = /^\d+:([^/]+)\/(.+)$/.exec(key) ?? [];
  deps.lastErrors.set({ owner, name }, `a batch failed: ${String(error)}`);
  deps.log.error(
    { err: error, key },
    "a batch failed; its builds will be retried by the next build or reconciliation",
  );
}

/** An item refused because too many wait for its repository: a command is told, a build logged. */
export function refused(log: Logger, key: string, item: DeployItem): void {
  const message = `too many builds waiting for ${key}: refused; the next reconciliation pass deploys it`;
  if (item.kind === "command") item.settle({ kind: "failed", message });
  else log.warn({ key, build: item.build.id, sha: item.build.sha }, message);
}
