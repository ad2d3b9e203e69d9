import type { Octokit } from "../adapters/github/octokit.js";
import { repoKey } from "../adapters/github/octokit.js";
import { environmentsForPath, matchSource, type Config } from "../config/index.js";
import { fullName, type Build } from "../core/plan/build.js";
import { resolveBuild } from "../core/plan/resolve-build.js";
import { ignoredText } from "../core/render/ignored-text.js";
import type { DeployItem } from "../services/deployer.js";
import type { ManifestIndex } from "../services/manifest-index.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";
import type { Deliveries } from "./deliveries.js";

/** What became of a build that came from outside GitHub's webhooks, per manifests repository. */
export interface ExternalAnswer {
  /** Queued for these manifests repositories, with the image references they will be asked to run. */
  readonly queued: readonly { readonly manifests: string; readonly images: readonly string[] }[];
  /** Not for these, and why (a plain sentence with the fix). */
  readonly ignored: readonly { readonly manifests: string; readonly reason: string }[];
  /** Set when no manifests repository's sources name the build's repository at all. */
  readonly unrouted?: string;
  /** The same build (source, image, tag, digest) was queued before: not queued again. */
  readonly duplicate?: boolean;
}

export interface ExternalBuildsDeps {
  readonly registry: ManifestsRegistry;
  readonly deliveries: Deliveries;
  /** Every installation of the app (listed with the app's JWT). */
  readonly installations: () => Promise<readonly number[]>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: DeployItem) => Promise<void>;
  readonly now: () => number;
  /** What the manifests repositories' files reference, as of the last tree the app read. */
  readonly index?: ManifestIndex;
  /** How long the list of installations is kept (default 5 minutes). */
  readonly installationsTtlMs?: number;
}

/**
 * Routes builds that no installation's webhook brought (`POST /api/builds`, registry pushes): to the
 * manifests repositories of every installation whose config's `sources` allow the build's repository,
 * exactly as a `workflow_run` is routed within its installation; the same queue, ordering guard,
 * branch rules, holds, freezes and reports follow. A build is deduplicated by its id (callers make it
 * from source, image, tag and digest) once it is queued somewhere, so a replay deploys once and a
 * build sent before its config allowed it can be sent again.
 */
export class ExternalBuilds {
  private cached: { at: number; ids: Promise<readonly number[]> } | undefined;

  constructor(private readonly deps: ExternalBuildsDeps) {}

  /** The manifests repositories of every installation, with the installation that holds each. */
  async manifests(): Promise<{ installationId: number; repo: ManifestsRepo }[]> {
    const found: { installationId: number; repo: ManifestsRepo }[] = [];
    for (const installationId of await this.installationIds()) {
      const octokit = await this.deps.auth(installationId);
      for (const repo of await this.deps.registry.list(installationId, octokit))
        found.push({ installationId, repo });
    }
    return found;
  }

  /** Queues `build` for every manifests repository it concerns; the answer says where and why not. */
  async route(build: Build): Promise<ExternalAnswer> {
    const targets: { installationId: number; repo: ManifestsRepo; images: string[] }[] = [];
    const ignored: { manifests: string; reason: string }[] = [];
    for (const { installationId, repo } of await this.manifests()) {
      if (!repo.config.ok) continue;
      const config = repo.config.config;
      if (!matchSource(config, fullName(build.repository), build.repository.host)) continue;
      const resolution = resolveBuild(config, build);
      const manifests = `${repo.owner}/${repo.name}`;
      if (!resolution.ok) {
        ignored.push({ manifests, reason: ignoredText(resolution.ignored) });
        continue;
      }
      const unreferenced = await this.unreferenced(
        repo,
        config,
        resolution.all.map((one) => one.image),
      );
      if (unreferenced !== undefined) ignored.push({ manifests, reason: unreferenced });
      else
        targets.push({
          installationId,
          repo,
          images: resolution.all.map((one) => `${one.image}:${one.tag}`),
        });
    }
    if (targets.length === 0 && ignored.length === 0)
      return {
        queued: [],
        ignored: [],
        unrouted: `no manifests repository's sources allow ${build.repository.host ? `${build.repository.host}/` : ""}${fullName(build.repository)}`,
      };
    if (targets.length > 0 && !(await this.deps.deliveries.first(build.id)))
      return { queued: [], ignored, duplicate: true };
    try {
      for (const { installationId, repo } of targets)
        await this.deps.enqueue(installationId, repo, {
          kind: "build",
          installationId,
          repo: { owner: repo.owner, name: repo.name },
          build,
          hintImage: build.image?.name,
          ...(repo.config.ok ? { config: repo.config.config } : {}),
        });
    } catch (error) {
      // Claimed but not (all) queued: the sender's retry must be taken (a target queued twice writes once).
      await this.deps.deliveries.forget(build.id).catch(() => undefined);
      throw error;
    }
    return {
      queued: targets.map(({ repo, images }) => ({ manifests: `${repo.owner}/${repo.name}`, images })),
      ignored,
    };
  }

  /**
   * Why nothing would be written (no file under an environment's paths references any of the images),
   * when the index knows the repository's tree; undefined when some file does, or the tree is not known
   * (the plan then reads it and says so in the log). A push by someone else makes the index forget the
   * tree, so a new overlay is never missed.
   */
  private async unreferenced(
    repo: ManifestsRepo,
    config: Config,
    images: readonly string[],
  ): Promise<string | undefined> {
    const index = this.deps.index;
    if (!index) return undefined;
    // With a fleet: the tree another replica knows (or forgot after someone else's push) is the one asked.
    await index.recall(repoKey(repo));
    const inEnvironment = (path: string) => environmentsForPath(config, path).length > 0;
    const answers = images.map((image) => index.references(repoKey(repo), image, inEnvironment));
    if (answers.some((answer) => answer !== false)) return undefined;
    return `no file under an environment's \`paths\` references ${images.join(", ")}: add the image to a kustomization, Helm values or manifest there`;
  }

  private async installationIds(): Promise<readonly number[]> {
    const ttl = this.deps.installationsTtlMs ?? 5 * 60_000;
    const now = this.deps.now();
    if (!this.cached || now - this.cached.at > ttl) {
      const ids = this.deps.installations();
      this.cached = { at: now, ids };
      // A failed listing is not kept: the next build asks again.
      ids.catch(() => {
        if (this.cached?.ids === ids) this.cached = undefined;
      });
    }
    return this.cached.ids;
  }

  /** Forgets the installations (an installation was created or deleted). */
  invalidate(): void {
    this.cached = undefined;
  }
}
