import type { ConfigResult } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { randomUUID } from "node:crypto";
import { configFromInputs, readConfigInputs } from "./load-config.js";
import { mapLimit } from "./map-limit.js";
import { listInstallationRepos } from "./registry/list-installation-repos.js";
import { probeConfigFiles } from "./registry/probe-config-files.js";
import type { RegistryStore, StoredManifestsRepo, StoredRegistry } from "./registry-store.js";

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
 * file, the installation's repositories change, or `ttlMs` passes. With a `store` (the fleet's Redis)
 * the read is kept there, for every replica, and an invalidation clears it for all of them; this
 * process then keeps only the reads in flight, and the configurations of the last read it computed.
 */
export class ManifestsRegistry {
  private readonly cache = new Map<number, { at: number; repos: Promise<ManifestsRepo[]> }>();
  /** With a store: the configurations computed from each installation's last kept read. */
  private readonly computed = new Map<number, { id: string; repos: ManifestsRepo[] }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly store?: RegistryStore,
  ) {}

  list(installationId: number, octokit: Octokit): Promise<ManifestsRepo[]> {
    const cached = this.cache.get(installationId);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.repos;
    const repos = this.store ? this.shared(this.store, installationId, octokit) : this.read(octokit);
    const entry = { at: this.now(), repos };
    this.cache.set(installationId, entry);
    // A failed read is not kept (the next build reads again); a newer read is left alone. With a store,
    // nothing is kept here once read: the store is asked each time (another replica may invalidate it).
    const drop = () => {
      if (this.cache.get(installationId) === entry) this.cache.delete(installationId);
    };
    entry.repos.then(() => {
      if (this.store) drop();
    }, drop);
    return entry.repos;
  }

  /** Forgets the installation's registry (with a store: for every replica); the next build reads it again. */
  async invalidate(installationId: number): Promise<void> {
    this.cache.delete(installationId);
    this.computed.delete(installationId);
    await this.store?.invalidate(installationId);
  }

  /**
   * The fleet's read when it is kept and fresh; else GitHub's, kept for the fleet. The store is a cache:
   * when Redis does not answer, GitHub is read (and nothing kept), as without a store.
   */
  private async shared(
    store: RegistryStore,
    installationId: number,
    octokit: Octokit,
  ): Promise<ManifestsRepo[]> {
    const kept = await store.get(installationId).catch(() => undefined);
    if (kept && this.now() - kept.at < this.ttlMs) return this.configs(installationId, kept);
    const epoch = await store.epoch(installationId).catch(() => undefined);
    const read: StoredRegistry = { id: randomUUID(), at: this.now(), repos: await this.readInputs(octokit) };
    if (epoch !== undefined) await store.put(installationId, read, epoch, this.ttlMs).catch(() => undefined);
    return this.configs(installationId, read);
  }

  /** The manifests repositories a kept read means, computed once per read. */
  private configs(installationId: number, stored: StoredRegistry): ManifestsRepo[] {
    const known = this.computed.get(installationId);
    if (known?.id === stored.id) return known.repos;
    const repos = manifestsRepos(stored.repos);
    this.computed.set(installationId, { id: stored.id, repos });
    return repos;
  }

  private async read(octokit: Octokit): Promise<ManifestsRepo[]> {
    return manifestsRepos(await this.readInputs(octokit));
  }

  /** The repositories with a config file, with the texts their configurations are computed from. */
  private async readInputs(octokit: Octokit): Promise<StoredManifestsRepo[]> {
    const candidates = (await listInstallationRepos(octokit, CONCURRENCY))
      .filter((repo) => !repo.archived)
      .map((repo) => ({ owner: repo.owner, name: repo.name, private: repo.private }));
    const files = await probeConfigFiles(octokit, candidates, CONCURRENCY);
    const withFiles = candidates.flatMap((repo, index) => {
      const found = files[index] ?? [];
      return found.length > 0 ? [{ repo, found }] : [];
    });
    const inputs = await mapLimit(withFiles, CONCURRENCY, ({ repo, found }) =>
      readConfigInputs(octokit, repo, found),
    );
    return withFiles.flatMap(({ repo }, index) => {
      const read = inputs[index];
      return read === undefined ? [] : [{ ...repo, inputs: read }];
    });
  }
}

/** The repositories whose config texts make a configuration, with it (computed, pure). */
function manifestsRepos(repos: readonly StoredManifestsRepo[]): ManifestsRepo[] {
  return repos.flatMap((repo) => {
    const config = configFromInputs(repo, repo.inputs);
    return config === undefined
      ? []
      : [{ owner: repo.owner, name: repo.name, private: repo.private, config }];
  });
}
