import { createHash } from "node:crypto";
import { commitByExpression } from "../adapters/github/commit-by-expression.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { sourceForImage, type ImageSource } from "../config/index.js";
import { hostSourceForImage } from "../config/host-source-for-image.js";
import { valuesFromTag } from "../config/sha-from-tag.js";
import type { Build } from "../core/plan/build.js";
import { ignoredText } from "../core/render/ignored-text.js";
import type { RegistryPush } from "../handlers/registry-push.js";
import type { Logger } from "../services/deployer.js";
import type { ExternalAnswer, ExternalBuilds } from "./external-builds.js";
import { onBranch } from "./package-on-branch.js";

/** What became of one pushed tag: ExternalBuilds' answer for the build(s) it means, with the image. */
export interface PushAnswer extends ExternalAnswer {
  /** `image:tag` as pushed. */
  readonly pushed: string;
}

export interface RegistryPushesDeps {
  readonly external: Pick<ExternalBuilds, "manifests" | "route">;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly log: Logger;
  readonly now: () => number;
}

export const NO_SHA_REASON =
  "the tag template has no {sha}, so a pushed tag cannot tell its commit: send the build to /api/builds with its commit, or put {sha:N} in the tag";
export const HOST_REASON =
  "registry pushes from sources not on GitHub cannot name a branch, so they deploy nowhere: send the build to /api/builds with its commit and branch";

/** `registry:` + SHA-256 of image, tag and digest: a registry's redelivery of the same push deploys once. */
export function registryBuildId(push: RegistryPush): string {
  const hash = createHash("sha256").update(JSON.stringify([push.image, push.tag, push.digest ?? ""]));
  return `registry:${hash.digest("hex")}`;
}

type Ignore = { manifests: string; reason: string };

/**
 * A registry push names only an image and a tag. Per manifests repository, the source that builds the
 * image (`sourceForImage`) and takes `registry` pushes reads the commit back from the tag through its
 * template; GitHub expands a short SHA to the commit and says the default branch (one GraphQL query),
 * and the build counts as the default branch's only when that commit is on it. The build then goes
 * the way of every build from outside GitHub's webhooks (ExternalBuilds: queue, dedupe, answer).
 */
export class RegistryPushes {
  constructor(private readonly deps: RegistryPushesDeps) {}

  async route(push: RegistryPush): Promise<PushAnswer> {
    const pushed = `${push.image}:${push.tag}`;
    const ignored: Ignore[] = [];
    const builds = new Map<string, Build>();
    for (const { installationId, repo } of await this.deps.external.manifests()) {
      if (!repo.config.ok) continue;
      const manifests = `${repo.owner}/${repo.name}`;
      const config = repo.config.config;
      const found = sourceForImage(config, push.image);
      // A source on another host: GitHub can tell neither its commit nor its branch.
      if (found?.source.host !== undefined || (!found && hostSourceForImage(config, push.image))) {
        ignored.push({ manifests, reason: HOST_REASON });
        continue;
      }
      if (!found) continue;
      const sha = this.shaOf(found, push, manifests, ignored);
      if (sha === undefined) continue;
      const key = `${found.owner}/${found.repo}@${sha}`;
      if (builds.has(key)) continue;
      const built = await this.build(installationId, found, sha, push);
      if (typeof built === "string") ignored.push({ manifests, reason: built });
      else builds.set(key, built);
    }
    const answers: ExternalAnswer[] = [];
    for (const build of builds.values()) answers.push(await this.deps.external.route(build));
    return merge(pushed, ignored, answers);
  }

  /** The (possibly short) SHA the tag names through the source's template, or undefined with the reason kept. */
  private shaOf(
    found: ImageSource,
    push: RegistryPush,
    manifests: string,
    ignored: Ignore[],
  ): string | undefined {
    const { source } = found;
    if (!source.triggers.includes("registry")) {
      ignored.push({
        manifests,
        reason: ignoredText({ reason: "trigger-not-configured", trigger: "registry" }),
      });
      return undefined;
    }
    const values = valuesFromTag(source.tag, push.tag);
    if (values === undefined) {
      this.deps.log.debug(
        { image: push.image, tag: push.tag, template: source.tag, manifests },
        "registry push ignored: the tag does not follow the source's tag template",
      );
      ignored.push({
        manifests,
        reason: ignoredText({ reason: "tag-not-from-template", tag: push.tag, template: source.tag }),
      });
      return undefined;
    }
    if (values.sha === undefined) ignored.push({ manifests, reason: NO_SHA_REASON });
    return values.sha;
  }

  /** The build the push means for a GitHub source, or why there is none. */
  private async build(
    installationId: number,
    found: ImageSource,
    sha: string,
    push: RegistryPush,
  ): Promise<Build | string> {
    const octokit = await this.deps.auth(installationId);
    const repo = { owner: found.owner, name: found.repo };
    const commit = await commitByExpression(octokit, repo, sha);
    if (commit.kind === "no-repository")
      return `the app cannot see ${repo.owner}/${repo.name}, which builds ${push.image}: install the app on it`;
    if (commit.kind === "no-commit")
      return `no single commit of ${repo.owner}/${repo.name} starts with ${sha} (the tag ${push.tag})`;
    const build: Build = {
      trigger: "registry",
      id: registryBuildId(push),
      repository: {
        owner: commit.owner,
        name: commit.name,
        defaultBranch: commit.defaultBranch,
        htmlUrl: commit.htmlUrl,
      },
      sha: commit.oid,
      // The push names the commit, not its branch: the default branch's only when the commit is on it.
      branch: commit.defaultBranch,
      event: undefined,
      workflowPath: undefined,
      url: push.url,
      image: { name: push.image, tag: push.tag, digest: push.digest },
      receivedAt: this.deps.now(),
      committedAt: commit.committedAt,
    };
    return onBranch(octokit, build);
  }
}

function merge(pushed: string, ignored: readonly Ignore[], answers: readonly ExternalAnswer[]): PushAnswer {
  const seen = new Set<string>();
  const allIgnored = [...ignored, ...answers.flatMap((answer) => answer.ignored)].filter((entry) => {
    const key = `${entry.manifests}\n${entry.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const queued = answers.flatMap((answer) => answer.queued);
  const duplicate = answers.some((answer) => answer.duplicate === true);
  if (queued.length === 0 && allIgnored.length === 0 && !duplicate)
    return {
      pushed,
      queued,
      ignored: allIgnored,
      unrouted: `no manifests repository's sources build ${pushed.slice(0, pushed.lastIndexOf(":"))}`,
    };
  return { pushed, queued, ignored: allIgnored, ...(duplicate ? { duplicate } : {}) };
}
