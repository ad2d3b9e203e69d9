import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { Outcome } from "../core/plan/outcome.js";
import { skipText } from "../core/render/skip-text.js";
import { shortSha } from "../core/render/short-sha.js";
import type { Pacer } from "./pacer.js";
import { clipLine, GITHUB_LIMITS } from "../core/render/fit-github.js";

/** Where a written outcome landed: a commit on the branch or a pull request. */
export interface Landing {
  readonly url: string;
  readonly label: string;
  readonly kind: "commit" | "pull-request";
}

export interface Reported {
  readonly outcome: Outcome;
  readonly landing: Landing | undefined;
}

/** A status or deployment description within GitHub's 140 characters. */
function clip(text: string): string {
  return clipLine(text, GITHUB_LIMITS.statusDescription);
}

/**
 * Reports back on each source commit: a commit status per environment (`gitops-image-bot/<env>`)
 * linking to the manifests commit or pull request, and for written changes a GitHub deployment whose
 * status says where the tag was written. Paced as content-creating requests, after the writes.
 */
export async function reportOutcomes(
  octokit: Octokit,
  pacer: Pacer,
  manifests: RepoId,
  reported: readonly Reported[],
  options: { statuses: boolean; deployments: boolean },
): Promise<void> {
  // A (build, environment) written somewhere is reported once as written, naming the files it skipped.
  const key = (outcome: Outcome): string => `${outcome.wanted.build.id}\u0000${outcome.environment}`;
  const written = new Set(
    reported.filter(({ outcome }) => outcome.kind === "written").map(({ outcome }) => key(outcome)),
  );
  const skippedFiles = new Map<string, number>();
  for (const { outcome } of reported)
    if (outcome.kind === "skipped" && written.has(key(outcome)))
      skippedFiles.set(key(outcome), (skippedFiles.get(key(outcome)) ?? 0) + 1);
  for (const { outcome, landing } of reported) {
    if (outcome.kind === "skipped" && written.has(key(outcome))) continue;
    const skipped = skippedFiles.get(key(outcome)) ?? 0;
    const also =
      skipped > 0 ? `; ${skipped} file${skipped === 1 ? "" : "s"} not written (see the app's log)` : "";
    const { build } = outcome.wanted;
    if (build.sha === undefined || (outcome.kind === "skipped" && outcome.skip.reason === "already-deployed"))
      continue;
    const source = { owner: build.repository.owner, repo: build.repository.name };
    const where = `${manifests.owner}/${manifests.name}`;
    if (options.statuses) {
      await pacer.take();
      await octokit.rest.repos.createCommitStatus({
        ...source,
        sha: build.sha,
        context: `gitops-image-bot/${outcome.environment}`,
        state:
          outcome.kind === "written"
            ? "success"
            : outcome.skip.reason === "frozen" || outcome.skip.reason === "held"
              ? "pending"
              : "error",
        description: clip(
          outcome.kind === "written"
            ? `${outcome.wanted.tag.length > 20 ? shortSha(outcome.wanted.tag) : outcome.wanted.tag} ${landing?.kind === "pull-request" ? "proposed" : "written"} for ${outcome.environment} in ${where} (${landing?.label ?? ""})${also}`
            : `${outcome.environment}: ${skipText(outcome.skip)}`,
        ),
        ...(landing ? { target_url: landing.url } : {}),
      });
    }
    if (options.deployments && outcome.kind === "written") {
      await pacer.take();
      const { data } = await octokit.rest.repos.createDeployment({
        ...source,
        ref: build.sha,
        environment: outcome.environment,
        auto_merge: false,
        required_contexts: [],
        description: clip(`${outcome.wanted.image}:${outcome.wanted.tag} via ${where}`),
        payload: {
          manifests: where,
          files: outcome.updates.map((update) => update.path),
          tag: outcome.wanted.tag,
        },
      });
      if (!("id" in data)) continue;
      await pacer.take();
      await octokit.rest.repos.createDeploymentStatus({
        ...source,
        deployment_id: data.id,
        state: landing?.kind === "pull-request" ? "queued" : "success",
        description: clip(
          `tag ${landing?.kind === "pull-request" ? `proposed in ${where}${landing.label}` : `written to ${where}`}: ${outcome.updates.map((update) => update.path).join(", ")}`,
        ),
        ...(landing ? { log_url: landing.url } : {}),
      });
    }
  }
}
