import { compareCommits } from "../adapters/github/compare-commits.js";
import type { Octokit } from "../adapters/github/octokit.js";
import type { Build } from "../core/plan/build.js";

/**
 * A package (or a registry push) names its source commit but not its branch: it counts as the default
 * branch's only when that commit is on the default branch (one compare), so a feature-branch image never
 * reaches prod.
 */
export async function onBranch(octokit: Octokit, build: Build): Promise<Build> {
  if ((build.trigger !== "package" && build.trigger !== "registry") || build.sha === undefined) return build;
  const repo = { owner: build.repository.owner, name: build.repository.name };
  // Qualified: a bare `main` would be the tag `main` when there is one.
  const branch = `refs/heads/${build.repository.defaultBranch}`;
  const status = await compareCommits(octokit, repo, build.sha, branch);
  return status === "ahead" || status === "identical" ? build : { ...build, branch: undefined };
}
