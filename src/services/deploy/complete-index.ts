import type { Wanted } from "../../core/plan/wanted.js";
import type { BuildItem, DeployItem, Logger } from "../deployer.js";
import type { ManifestIndex } from "../manifest-index.js";
import { retryDelayMs } from "../transient.js";
import { indexReader, type UnreadFiles } from "./batch-files.js";
import type { Batch } from "./batch.js";

export interface IndexCompletionDeps {
  readonly index: ManifestIndex;
  readonly log: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  /** Queues a build again, through the same queue as any build (its batch keeps the ordering guard). */
  readonly followUp?: (item: BuildItem) => void;
}

const MAX_RETRIES = 5;

/**
 * After a batch planned on a first pass (the files whose paths name its images), reads the rest of the
 * tree it planned on in the background and queues its builds again when a file that was not planned
 * with references one of their images (Helm values, a shared kustomization): the follow-up batch reads
 * every file, and the ordering guard leaves what the first batch wrote (already deployed, said nothing).
 */
export class IndexCompletions {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: IndexCompletionDeps) {}

  start(batch: Batch, items: readonly DeployItem[], wanted: readonly Wanted[], unread: UnreadFiles): void {
    const run = this.complete(batch, items, wanted, unread).catch((error: unknown) =>
      this.deps.log.warn(
        { repo: batch.key, err: error },
        "could not read the rest of the manifests after a first pass: the next reconciliation pass deploys what it missed",
      ),
    );
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Resolves when no completion is running (each may have queued builds again). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async complete(
    batch: Batch,
    items: readonly DeployItem[],
    wanted: readonly Wanted[],
    unread: UnreadFiles,
  ): Promise<void> {
    const { index, log } = this.deps;
    for (let attempt = 1; ; attempt++) {
      try {
        await index.complete(batch.key, unread.candidates, indexReader(batch));
        break;
      } catch (error) {
        const delay = retryDelayMs(error, attempt);
        if (delay === undefined || attempt >= MAX_RETRIES) throw error;
        await this.deps.sleep(delay);
      }
    }
    const late = lateFiles(index, unread);
    if (late.size === 0) return;
    const builds = new Set(wanted.filter((entry) => late.has(entry.image)).map((entry) => entry.build.id));
    const again = items.filter(
      (item): item is BuildItem => item.kind === "build" && builds.has(item.build.id),
    );
    log.info(
      { repo: batch.key, files: [...new Set([...late.values()].flat())], builds: again.length },
      "files found after the first pass reference the batch's images: its builds are queued again",
    );
    for (const item of again) this.deps.followUp?.(item);
  }
}

/** Per image, the files of the tree that reference it and that the batch did not plan with. */
function lateFiles(index: ManifestIndex, unread: UnreadFiles): Map<string, string[]> {
  const late = new Map<string, string[]>();
  for (const [image, files] of index.matching(unread.candidates, [...unread.planned.keys()])) {
    const planned = unread.planned.get(image) ?? new Set<string>();
    const paths = files.map((file) => file.path).filter((path) => !planned.has(path));
    if (paths.length > 0) late.set(image, paths);
  }
  return late;
}
