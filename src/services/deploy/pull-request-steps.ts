import { shaFromTag, type Config } from "../../config/index.js";
import type { Octokit } from "../../adapters/github/octokit.js";
import type { Snapshot } from "../../adapters/github/read-snapshot.js";
import { fullName } from "../../core/plan/build.js";
import { deployedImages } from "../../core/plan/deployed.js";
import type { BatchPlan, PullRequestChange } from "../../core/plan/plan-batch.js";
import type { PlanSkip } from "../../core/plan/skip.js";
import { pullRequestBranch } from "../../core/render/pull-request-text.js";
import type { DeployerDeps } from "../deployer.js";
import {
  closeObsoletePull,
  readOpenPull,
  upsertPullRequest,
  type BranchPulls,
  type OpenPull,
} from "../pull-requests.js";
import type { Reported } from "../reporter.js";
import type { Batch } from "./batch.js";

type PullDeps = Pick<DeployerDeps, "pacer" | "log" | "identity" | "compares" | "onPullRequest">;

/**
 * Each pull-request environment's change in the app's living pull request (opened, updated, or left
 * alone when someone else's pull request holds the branch or it carries a newer build): what became of
 * each written outcome, in the order of the plan's pull requests.
 */
export async function updatePullRequests(
  deps: PullDeps,
  batch: Batch,
  snapshot: Snapshot,
  config: Config,
  plan: BatchPlan,
): Promise<Reported[]> {
  const { octokit, installationId, repo, key } = batch;
  const reported: Reported[] = [];
  const pacer = deps.pacer(installationId);
  const base = { branch: snapshot.branch, headOid: snapshot.headOid, treeOid: snapshot.treeOid };
  for (const change of plan.pullRequests) {
    const branch = pullRequestBranch(change.environment, change.image);
    const paths = change.writes.map((write) => write.path);
    const pulls = await readOpenPull(octokit, repo, branch, paths, await deps.identity());
    const written = plan.outcomes.filter(
      (outcome) =>
        outcome.kind === "written" &&
        outcome.environment === change.environment &&
        outcome.wanted === change.wanted,
    );
    const kept = await keptPull(deps, octokit, branch, pulls, change);
    if (kept) {
      for (const { wanted, environment } of written)
        reported.push({
          outcome: { kind: "skipped", wanted, environment, path: undefined, skip: kept },
          landing: undefined,
        });
      continue;
    }
    const mergeMethod = config.environments[change.environment]?.mergeMethod ?? "squash";
    const landing = await upsertPullRequest(
      octokit,
      pacer,
      deps.log,
      repo,
      base,
      change,
      mergeMethod,
      pulls.own,
      config.environments[change.environment]?.after, // a gate: no merge before it passes
    );
    deps.onPullRequest?.(landing.action);
    deps.log.info(
      { repo: key, pull: landing.number, environment: change.environment, image: change.image },
      "pull request up to date",
    );
    for (const outcome of written)
      reported.push({
        outcome,
        landing: {
          kind: "pull-request",
          url: landing.url,
          label: `#${landing.number}`,
          merged: landing.merged,
          awaiting: change.mode === "auto-merge" ? "checks" : "review",
          oid: landing.headOid,
          number: landing.number,
          branch: snapshot.branch,
        },
      });
  }
  return reported;
}

/** Closes the app's pull requests whose change the branch already carries (or a newer one). */
export async function closeSettledPulls(
  deps: Pick<DeployerDeps, "pacer" | "identity" | "onPullRequest">,
  { octokit, installationId, repo }: Batch,
  snapshot: Snapshot,
  plan: BatchPlan,
): Promise<void> {
  const pacer = deps.pacer(installationId);
  for (const settled of plan.settled) {
    const branch = pullRequestBranch(settled.environment, settled.image);
    const { own: open } = await readOpenPull(octokit, repo, branch, [], await deps.identity());
    if (!open) continue;
    await closeObsoletePull(
      octokit,
      pacer,
      repo,
      open,
      `${settled.image} already runs ${settled.tag} (or a newer build) in ${settled.environment} on ${snapshot.branch}`,
    );
    deps.onPullRequest?.("closed");
  }
}

/**
 * Why the app's pull request is left as it is: someone opened a pull request from the app's branch by
 * hand (GitHub allows one per branch), or the pull request already carries a newer build. Undefined:
 * the change is written.
 */
async function keptPull(
  deps: Pick<DeployerDeps, "compares">,
  octokit: Octokit,
  branch: string,
  { own: open, takenBy }: BranchPulls,
  change: PullRequestChange,
): Promise<PlanSkip | undefined> {
  // `--force` (a person's `/retag` in the pull request) replaces even a newer build the pull request carries.
  const newer =
    open && !change.wanted.explicit?.force ? await newerInPull(deps, octokit, open, change) : undefined;
  if (takenBy)
    return {
      reason: "not-written",
      line: undefined,
      message: `#${takenBy.number} by ${takenBy.login} is open from the app's branch ${branch}; close it so that the app opens its own pull request`,
    };
  return newer ? { reason: "superseded", by: newer } : undefined;
}

/** The build an open pull request carries when it descends from the change's build (then it stays). */
async function newerInPull(
  { compares }: Pick<DeployerDeps, "compares">,
  octokit: Octokit,
  open: OpenPull,
  change: PullRequestChange,
): Promise<string | undefined> {
  const sha = change.wanted.build.sha;
  if (sha === undefined) return undefined;
  const repo = fullName(change.wanted.build.repository).toLowerCase();
  for (const [path, text] of open.texts) {
    const tag = deployedImages(path, text, [change.image]).get(change.image)?.tag;
    const pullSha = tag === undefined ? undefined : shaFromTag(change.wanted.tagTemplate, tag);
    if (pullSha === undefined || sha.startsWith(pullSha)) continue;
    await compares.fetch(octokit, [{ repo, base: sha, head: pullSha }]);
    if (compares.lookup(repo, sha, pullSha) === "ahead") return pullSha;
  }
  return undefined;
}
