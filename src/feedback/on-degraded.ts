import { notQueued } from "../routing/deploy-queue-port.js";
import { renderImageName, shaFromTag, sourceForImage, type Config } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { CommandJob, CommandResult } from "../commands/command-job.js";
import {
  DEGRADED_BY,
  degradedReaction,
  REASON_LIMIT,
  type DegradedReaction,
} from "../core/feedback/degraded-reaction.js";
import type { EnvironmentObservation, ManifestsRepoId } from "../core/feedback/observation.js";
import type { Wanted } from "../core/plan/wanted.js";
import type { SourceRepository } from "../core/plan/build.js";
import { degradedComment } from "../core/render/degraded-comment.js";
import { clipLine } from "../core/render/fit-github.js";
import type { DeployItem, Logger } from "../services/deployer.js";
import { Lru } from "../services/lru.js";
import type { ManifestsRepo } from "../services/manifests-registry.js";
import type { Pacer } from "../services/pacer.js";
import type { StateEdit } from "../state/state-file.js";
import type { DeploymentLedger } from "./deployment-ledger.js";
import type { ObservationListener } from "./feedback-hub.js";
import type { HealthChange, HealthLedger } from "./health-ledger.js";

export interface OnDegradedDeps {
  readonly health: HealthLedger;
  readonly deployments: DeploymentLedger;
  readonly repo: (installationId: number, manifests: ManifestsRepoId) => Promise<ManifestsRepo | undefined>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly pacer: (installationId: number) => Pacer;
  /** The deploy queue, as commands use it: the ordering guard, batching and the state file rules apply. */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: DeployItem) => Promise<void>;
  readonly log: Logger;
  readonly now: () => number;
}

type Acting = Exclude<DegradedReaction, { kind: "none" }>;

/**
 * `environments.<env>.onDegraded`: a tag that went Degraded (or whose sync failed) is held (`hold`), or
 * the last tag that was Healthy there goes back and is held (`rollback`), through the deploy queue as a
 * command job of the app's own; then a comment on the bad build's source commit says what happened and
 * how to resume. Once per (manifests, environment, image, tag): a repeated notification does nothing.
 */
export class OnDegraded {
  private readonly acted = new Lru<string, true>(10_000);
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly deps: OnDegradedDeps) {}

  readonly listener: ObservationListener = async (observed, changes) => {
    for (const change of changes) await this.react(observed, change);
  };

  /** Resolves when every comment started so far is posted (or failed and was logged). */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async react(observed: EnvironmentObservation, change: HealthChange): Promise<void> {
    const { manifests, environment, installationId } = observed;
    const health = change.after;
    if (health.state !== "degraded" && health.state !== "failed") return;
    const key =
      `${manifests.owner}/${manifests.name}\u0000${environment}\u0000${health.image}\u0000${health.tag}`.toLowerCase();
    if (this.acted.has(key)) return;
    const repo = await this.deps.repo(installationId, manifests);
    if (!repo?.config.ok) return;
    const { config } = repo.config;
    const lastHealthy = this.deps.health.lastHealthy(manifests, environment, health.image, health.tag);
    const reaction = degradedReaction(config.environments[environment]?.onDegraded, health, lastHealthy);
    if (reaction.kind === "none") return;
    this.acted.set(key, true);
    const found = sourceForImage(config, health.image);
    if (!found) {
      this.deps.log.warn(
        { repo: `${manifests.owner}/${manifests.name}`, environment, image: health.image },
        "onDegraded: no source of the config builds this image, so it cannot be held",
      );
      return;
    }
    // A monorepo's image, not its first: the hold and the rollback are about the image that degraded.
    const image = renderImageName(found.entry.image, found.owner, found.repo);
    const octokit = await this.deps.auth(installationId);
    const job = await this.job(octokit, key, environment, image, found, reaction, observed);
    const result = new Promise<CommandResult>((settle) =>
      this.deps
        .enqueue(installationId, repo, {
          kind: "command",
          installationId,
          repo: { owner: repo.owner, name: repo.name },
          job,
          settle,
        })
        .catch((error: unknown) => settle({ kind: "failed", message: notQueued(error) })),
    );
    this.deps.log.info(
      {
        repo: `${manifests.owner}/${manifests.name}`,
        environment,
        image,
        tag: health.tag,
        reaction: reaction.kind,
      },
      `onDegraded: ${reaction.kind}`,
    );
    const comment = result
      .then((settled) => this.comment(octokit, observed, change, found, reaction, settled))
      .catch((error: unknown) =>
        this.deps.log.warn(
          { repo: `${manifests.owner}/${manifests.name}`, environment, err: error },
          "onDegraded: could not comment on the source commit",
        ),
      );
    this.pending.add(comment);
    void comment.finally(() => this.pending.delete(comment));
  }

  /** The command job: a hold (and, for a rollback, the last Healthy tag as an explicit change). */
  private async job(
    octokit: Octokit,
    key: string,
    environment: string,
    image: string,
    found: { source: Config["sources"][number]; owner: string; repo: string },
    reaction: Acting,
    observed: EnvironmentObservation,
  ): Promise<CommandJob> {
    const now = this.deps.now();
    const tag = reaction.kind === "rollback" ? reaction.to : reaction.tag;
    const reason =
      reaction.kind === "rollback"
        ? clipLine(`rolled back from ${reaction.from}: ${reaction.reason}`, REASON_LIMIT)
        : reaction.reason;
    const edits: StateEdit[] = [
      {
        kind: "hold",
        environment,
        image,
        hold: { by: DEGRADED_BY, at: new Date(now).toISOString(), tag, reason },
      },
    ];
    const wanted: Wanted[] = [];
    if (reaction.kind === "rollback") {
      wanted.push({
        build: {
          trigger: "command",
          id: `degraded:${key}`,
          repository: await sourceRepository(octokit, found),
          sha: shaFromTag(found.source.tag, reaction.to),
          branch: undefined,
          event: undefined,
          workflowPath: undefined,
          url: observed.observation.url,
          image: { name: image, tag: reaction.to, digest: undefined },
          receivedAt: now,
        },
        image,
        tag: reaction.to,
        digest: undefined,
        tagTemplate: found.source.tag,
        // A tag that ran there before: past the ordering guard and the branch rule, as `/rollback`.
        explicit: { by: DEGRADED_BY, environments: [environment], force: true, anyBranch: true },
      });
    }
    return { id: `degraded:${key}`, by: DEGRADED_BY, edits, wanted };
  }

  /** The comment on the bad build's source commit (its full SHA from the deployment the app tracks). */
  private async comment(
    octokit: Octokit,
    observed: EnvironmentObservation,
    change: HealthChange,
    found: { source: Config["sources"][number]; owner: string; repo: string },
    reaction: Acting,
    settled: CommandResult,
  ): Promise<void> {
    const { manifests, environment, installationId } = observed;
    const health = change.after;
    const tracked = this.deps.deployments
      .forImage(manifests, environment, health.image)
      .find((deployment) => deployment.tag === health.tag);
    const fromTag = shaFromTag(found.source.tag, health.tag);
    const sha = tracked?.sha ?? (fromTag?.length === 40 ? fromTag : undefined);
    const source: RepoId = tracked ? tracked.source : { owner: found.owner, name: found.repo };
    if (found.source.host !== undefined || tracked?.source.host !== undefined) {
      // Its commit is on another host: the hold (or rollback) is in the manifests repository's history.
      this.deps.log.info(
        { environment, image: health.image, tag: health.tag, host: found.source.host },
        `onDegraded: the bad build's source is on ${found.source.host ?? "another host"}; no comment`,
      );
      return;
    }
    if (sha === undefined) {
      this.deps.log.info(
        { environment, image: health.image, tag: health.tag },
        "onDegraded: the bad build's source commit is unknown; no comment",
      );
      return;
    }
    const body = degradedComment({
      reaction,
      environment,
      // Commands name a monorepo's image by the last part of its name (`/resume prod shop-api`).
      service: found.source.images.length > 1 ? (health.image.split("/").pop() ?? found.repo) : found.repo,
      manifests: `${manifests.owner}/${manifests.name}`,
      argoUrl: health.url,
      landing: settled.kind === "done" ? settled.stateLanding : undefined,
      failure: settled.kind === "failed" ? settled.message : undefined,
    });
    await this.deps.pacer(installationId).take();
    await octokit.rest.repos.createCommitComment({
      owner: source.owner,
      repo: source.name,
      commit_sha: sha,
      body,
    });
  }
}

/**
 * The source repository of a rollback's build: GitHub's answer for a GitHub source (its real name and
 * default branch); for a source on another host, the config's name, asking nothing (GitHub's repository
 * of that name, if any, is another one).
 */
async function sourceRepository(
  octokit: Octokit,
  found: { source: Config["sources"][number]; owner: string; repo: string },
): Promise<SourceRepository> {
  const { host } = found.source;
  if (host !== undefined)
    return {
      host,
      owner: found.owner,
      name: found.repo,
      defaultBranch: "main",
      htmlUrl: `https://${host}/${found.owner}/${found.repo}`,
    };
  const { data } = await octokit.rest.repos.get({ owner: found.owner, repo: found.repo });
  return {
    owner: data.owner.login,
    name: data.name,
    defaultBranch: data.default_branch,
    htmlUrl: data.html_url,
  };
}
