import type { ConfigResult } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { loadConfigFiles } from "./load-config.js";
import { mapLimit } from "./map-limit.js";
import { listInstallationRepos } from "./registry/list-installation-repos.js";
import { probeConfigFiles } from "./registry/probe-config-files.js";

/** A repository of the installation with `.github/gitops-image-bot.yml` (or `.yaml`): builds may deploy into it. */
export interface ManifestsRepo extends RepoId {
  readonly config: ConfigResult;
  /** Whether only those with access may read it (unknown counts as private). */
  readonly private?: boolean;
}

/**
 * Requests of one registry read in flight at once (listing pages, config queries, `_extends` bases): a
 * handful, far below GitHub's 100 concurrent requests, so the read takes about three round trips.
 */
const CONCURRENCY = 4;

/**
 * Which repositories of an installation are manifests repositories, with their configuration: read
 * once (the listing's pages, then one GraphQL query per 100 repositories, a few at a time) and kept until a push changes a config
 * file, the installation's repositories change, or `ttlMs` passes.
 */
export class ManifestsRegistry {
  private readonly cache = new Map<number, { at: number; repos: Promise<ManifestsRepo[]> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
  ) {}

  list(installationId: number, octokit: Octokit): Promise<ManifestsRepo[]> {
    const cached = this.cache.get(installationId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.repos;
    const entry = { at: this.now(), repos: this.read(octokit) };
    this.cache.set(installationId, entry);
    // A failed read is not kept (the next build reads again); a newer read is left alone.
    entry.repos.catch(() => {
      if (this.cache.get(installationId) === entry) this.cache.delete(installationId);
    });
    return entry.repos;
  }

  invalidate(installationId: number): void {
    this.cache.delete(installationId);
  }

  private async read(octokit: Octokit): Promise<ManifestsRepo[]> {
    const candidates = (await listInstallationRepos(octokit, CONCURRENCY))
      .filter((repo) => !repo.archived)
      .map((repo) => ({ owner: repo.owner, name: repo.name, private: repo.private }));
    const files = await probeConfigFiles(octokit, candidates, CONCURRENCY);
    const withFiles = candidates.flatMap((repo, index) => {
      const found = files[index] ?? [];
      return found.length > 0 ? [{ repo, found }] : [];
    });
    const configs = await mapLimit(withFiles, CONCURRENCY, ({ repo, found }) =>
      loadConfigFiles(octokit, repo, found),
    );
    return withFiles.flatMap(({ repo }, index) => {
      const config = configs[index];
      return config === undefined ? [] : [{ ...repo, config }];
    });
  }
}
