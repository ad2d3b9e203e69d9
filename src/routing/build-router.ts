import type { Context } from "probot";
import { matchSource, renderImageName, type SourceConfig } from "../config/index.js";
import { globMatcher } from "../config/glob-matcher.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { fullName, type Build } from "../core/plan/build.js";
import type { BuildParse } from "../handlers/build-from-workflow-run.js";
import type { DeployItem } from "../services/deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";
import type { Deliveries } from "./deliveries.js";
import type { BuildIntake } from "./build-intake.js";
import { onBranch } from "./package-on-branch.js";

export interface BuildRouterDeps {
  readonly registry: ManifestsRegistry;
  readonly deliveries: Deliveries;
  /** Adds an item to the manifests repository's deploy queue. */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: DeployItem) => Promise<void>;
  /** Every Octokit the app uses is counted (metrics). */
  readonly observeOctokit: (octokit: Octokit) => void;
  /** Where an accepted build goes to be routed (`route`): in the background, or through the fleet's Redis. */
  readonly intake: () => BuildIntake;
}

/** A build's webhook (workflow_run, package) to one queued item per manifests repository that deploys it. */
export class BuildRouter {
  constructor(private readonly deps: BuildRouterDeps) {}

  /**
   * Checks a build's webhook at once and hands the build to the intake, which routes it after the webhook
   * is answered; rejects (the webhook is answered 503, so GitHub may deliver it again) when the fleet's
   * Redis cannot take it.
   */
  async dispatch(context: Context, parse: BuildParse): Promise<void> {
    if (!parse.ok) {
      const where = { event: context.name, delivery: context.id };
      if ("invalid" in parse) context.log.warn(where, `payload ignored: ${parse.invalid}`);
      else if ("refused" in parse) context.log.info(where, `build refused: ${parse.refused}`);
      else context.log.debug(where, `ignored: ${parse.ignored}`);
      return;
    }
    if (!(await unavailableIfThrows(this.deps.deliveries.first(context.id)))) {
      context.log.info({ delivery: context.id }, "delivery seen before: ignored");
      return;
    }
    const { build } = parse;
    context.log.info(
      {
        delivery: context.id,
        trigger: build.trigger,
        source: fullName(build.repository),
        sha: build.sha,
        ...(build.image ? { image: `${build.image.name}:${build.image.tag}` } : {}),
      },
      "build received",
    );
    const installationId = (context.payload as { installation?: { id?: number } }).installation?.id;
    if (installationId === undefined) {
      context.log.warn({ delivery: context.id }, "payload ignored: installation.id is missing");
      return;
    }
    const octokit = context.octokit as Octokit;
    this.deps.observeOctokit(octokit);
    try {
      await unavailableIfThrows(this.deps.intake().accept(installationId, build, octokit));
    } catch (error) {
      // Claimed but not queued: GitHub's redelivery must be taken (best effort: Redis may be down).
      await this.deps.deliveries.forget(context.id).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Routes a build with only what routing needs: neither the payload nor the event's Octokit is kept
   * while the registry loads (a burst of 2,000 deliveries waiting on one registry read would otherwise
   * hold 2,000 of each, over 100 MB). The manifests repositories whose config names the build's source
   * get one queued item each.
   */
  readonly route = (installationId: number, accepted: Build, octokit: Octokit): Promise<void> => {
    // Started now, so that the caller's Octokit does not wait with the build: a registry read keeps only
    // the client that started it, a package's branch check its own until it answers.
    const repos = this.deps.registry.list(installationId, octokit);
    const checked = onBranch(octokit, accepted);
    return this.enqueueAll(installationId, checked, repos);
  };

  private async enqueueAll(
    installationId: number,
    checked: Promise<Build>,
    repos: Promise<readonly ManifestsRepo[]>,
  ): Promise<void> {
    const build = await checked;
    for (const repo of await repos) {
      const source = repo.config.ok ? matchSource(repo.config.config, fullName(build.repository)) : undefined;
      if (repo.config.ok && !source) continue;
      const hintImage = build.image?.name ?? (source ? hintFor(source, build) : undefined);
      await this.deps.enqueue(installationId, repo, {
        kind: "build",
        installationId,
        repo: { owner: repo.owner, name: repo.name },
        build,
        hintImage,
        ...(repo.config.ok ? { config: repo.config.config } : {}),
      });
    }
  }
}

/** The fleet's Redis failed: the webhook is answered 503 (`status`), so that it may be delivered again. */
async function unavailableIfThrows<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(new Error(`the build could not be queued: ${message}`, { cause: error }), {
      status: 503,
    });
  }
}

/**
 * The image a build most likely means: of a monorepo's images, the first one its workflow builds (a run
 * of build-web.yml means the web image, not the first listed); else the source's first image.
 */
function hintFor(source: SourceConfig, build: Build): string {
  const path = build.workflowPath;
  const entry =
    (path === undefined
      ? undefined
      : source.images.find((one) => one.workflows.length > 0 && globMatcher(one.workflows)(path))) ??
    source.images[0];
  return renderImageName(entry?.image ?? source.image, build.repository.owner, build.repository.name);
}
