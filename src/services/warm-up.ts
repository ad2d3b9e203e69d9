import { environmentsForPath } from "../config/index.js";
import { repoKey, type Octokit } from "../adapters/github/octokit.js";
import type { Logger } from "./deployer.js";
import { indexReader } from "./deploy/batch-files.js";
import type { ManifestIndex } from "./manifest-index.js";
import type { ManifestsRegistry, ManifestsRepo } from "./manifests-registry.js";
import { readHead } from "./read-head.js";

export interface WarmUpDeps {
  /** The app's installations (an app-authenticated listing). */
  readonly installations: () => Promise<readonly number[]>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  /** The app's own identity (GET /app), which tells the app's pushes from others'. */
  readonly identity: () => Promise<unknown>;
  readonly registry: ManifestsRegistry;
  readonly index: ManifestIndex;
  readonly log: Logger;
  /** Resolves when no build is being routed, queued or written: builds go first, the warm-up after. */
  readonly quiet: () => Promise<void>;
}

/**
 * Installations warmed at start at most. A self-hosted app has one or a few; an app installed on many
 * accounts learns the others from their first build, as before.
 */
export const WARM_INSTALLATIONS = 10;

/**
 * What the app reads once after it starts, before any build asks for it, so the first build after a
 * start (a restart, a new replica) costs what a warm one does: the app's identity, the installation
 * token, which repositories are manifests repositories with their configs (`ManifestsRegistry`), and
 * each one's tree and files under the environments' paths (`ManifestIndex`). It runs one request at a time, in the
 * background, and gives way to builds: a build that arrives meanwhile shares the registry's read, reads
 * its own files as a cold first pass would, and the warm-up reads the files once no build is being
 * routed or written. A failure is logged and left: the first build reads what it needs itself.
 */
export class WarmUp {
  private running: Promise<void> | undefined;
  private stopped = false;
  private ended = false;

  constructor(private readonly deps: WarmUpDeps) {}

  start(): void {
    this.running ??= this.run().finally(() => (this.ended = true));
  }

  /** Whether the warm-up has ended (true when it was never started). */
  get done(): boolean {
    return this.ended || this.running === undefined;
  }

  /** Sends nothing more: the warm-up ends at its next step (the request in flight is answered). */
  stop(): void {
    this.stopped = true;
  }

  /** Resolves when the warm-up has ended (or was never started). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    const { log } = this.deps;
    this.deps
      .identity()
      .catch((error: unknown) => log.warn({ err: error }, "warm-up: could not read the app's identity"));
    let installations: readonly number[];
    try {
      installations = await this.deps.installations();
    } catch (error) {
      log.warn({ err: error }, "warm-up: could not list the app's installations; builds read what they need");
      return;
    }
    if (installations.length > WARM_INSTALLATIONS)
      log.info(
        { installations: installations.length, warmed: WARM_INSTALLATIONS },
        "warm-up: only the first installations are read at start; the others on their first build",
      );
    for (const installationId of installations.slice(0, WARM_INSTALLATIONS)) {
      if (this.stopped) return;
      try {
        const octokit = await this.deps.auth(installationId);
        for (const repo of await this.deps.registry.list(installationId, octokit)) {
          await this.deps.quiet();
          if (this.stopped) return;
          await this.indexRepository(octokit, repo);
        }
      } catch (error) {
        log.warn(
          { err: error, installationId },
          "warm-up of an installation failed; its builds read what they need",
        );
      }
    }
  }

  /** The files under the environments' paths at the configured branch's head, screened into the index. */
  private async indexRepository(octokit: Octokit, repo: ManifestsRepo): Promise<void> {
    try {
      await this.readRepository(octokit, repo);
    } catch (error) {
      this.deps.log.warn(
        { err: error, repo: repoKey(repo) },
        "warm-up of a manifests repository failed; its first build reads what it needs",
      );
    }
  }

  private async readRepository(octokit: Octokit, repo: ManifestsRepo): Promise<void> {
    if (!repo.config.ok) return;
    const head = await readHead(octokit, repo, []);
    if (head.kind !== "ok") return;
    const { config, snapshot } = head;
    const files = await this.deps.index.imagesIn(
      repoKey(repo),
      snapshot.treeOid,
      indexReader({ octokit, repo }),
      (path) => environmentsForPath(config, path).length > 0,
      snapshot.files,
    );
    this.deps.log.debug({ repo: repoKey(repo), files: files.length }, "warm-up: manifests indexed");
  }
}
