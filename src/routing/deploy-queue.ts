import { repoKey } from "../adapters/github/octokit.js";
import { BatchQueue } from "../queue/batch-queue.js";
import type { DeployItem, Logger } from "../services/deployer.js";
import type { LastErrors } from "../services/last-errors.js";
import type { ManifestsRepo } from "../services/manifests-registry.js";

const DEFAULT_WINDOW_MS = 4000;

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
 * dashboard, a refused item said so.
 */
export class DeployQueue {
  private readonly windows = new Map<string, number>();
  private readonly queue: BatchQueue<DeployItem>;

  constructor(deps: DeployQueueDeps) {
    this.queue = new BatchQueue<DeployItem>(
      (_key, items) => deps.run(items),
      (key) => deps.batchWindowMs ?? this.windows.get(key) ?? DEFAULT_WINDOW_MS,
      (key, error) => {
        const [, owner = "", name = ""] = /^\d+:([^/]+)\/(.+)$/.exec(key) ?? [];
        deps.lastErrors.set({ owner, name }, `a batch failed: ${String(error)}`);
        deps.log.error(
          { err: error, key },
          "a batch failed; its builds will be retried by the next build or reconciliation",
        );
      },
      {
        // Too much waiting for one repository: refused, said so; the next reconciliation pass repairs it.
        onRefused: (key, item) => {
          const message = `too many builds waiting for ${key}: refused; the next reconciliation pass deploys it`;
          if (item.kind === "command") item.settle({ kind: "failed", message });
          else deps.log.warn({ key, build: item.build.id, sha: item.build.sha }, message);
        },
      },
    );
  }

  /** Queues an item for the manifests repository (its config's window applies from now on). */
  readonly enqueue = (installationId: number, repo: ManifestsRepo, item: DeployItem): void => {
    const key = `${installationId}:${repoKey(repo)}`;
    if (repo.config.ok) this.windows.set(key, repo.config.config.batchWindowSeconds * 1000);
    this.queue.add(key, item);
  };

  /** Queues an item again for its repository (a build whose files were found later); its window stays. */
  readonly again = (item: DeployItem): void => {
    this.queue.add(`${item.installationId}:${repoKey(item.repo)}`, item);
  };

  /** Items waiting or being written. */
  get depth(): number {
    return this.queue.depth;
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    return this.queue.idle();
  }
}
