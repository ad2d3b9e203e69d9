import { branchAllowed, type Config } from "../../config/index.js";
import { fullName, type Build } from "./build.js";
import type { Wanted } from "./wanted.js";

/**
 * A workflow run's word that its commit is on a branch. `workflow_run.head_branch` is the name of the
 * ref that ran: for a run on a tag it is the tag's name, so a tag `main` on any commit claims `main`.
 */
export interface BranchClaim {
  /** `owner/name` of the source repository, lower-cased. */
  readonly repo: string;
  readonly branch: string;
  /** The build's commit (full SHA). */
  readonly sha: string;
}

/**
 * The claims of a batch worth checking: workflow runs' branches that some environment would let
 * deploy (a branch no environment allows is refused anyway, and costs nothing to check). Commands and
 * reconciliation passes name their branch themselves; packages are checked as they arrive.
 *
 * A build of a repository on another host (`repository.host`: GitLab, Bitbucket) claims its branch
 * too, but GitHub cannot check it: it is taken as the CI says, authenticated by the build endpoint's
 * secret (whoever holds it may name any branch, as a workflow run's author may push any branch). No
 * claim of such a build is made here, so GitHub is never asked about a repository it does not hold.
 */
export function branchClaims(config: Config, wanted: readonly Wanted[]): BranchClaim[] {
  return buildClaims(
    config,
    wanted.flatMap(({ build, explicit }) => (explicit ? [] : [build])),
  );
}

/** The claims of builds as they arrived (before the config resolved them): see `branchClaims`. */
export function buildClaims(config: Config, builds: readonly Build[]): BranchClaim[] {
  const claims = new Map<string, BranchClaim>();
  const environments = Object.values(config.environments);
  for (const build of builds) {
    if (build.trigger !== "workflow_run" || build.branch === undefined) continue;
    if (build.sha === undefined || build.repository.host !== undefined) continue;
    const { branch, sha } = build;
    const defaultBranch = build.repository.defaultBranch;
    if (!environments.some((env) => branchAllowed(env, branch, defaultBranch))) continue;
    const claim = { repo: fullName(build.repository).toLowerCase(), branch, sha: sha.toLowerCase() };
    claims.set(claimKey(claim), claim);
  }
  return [...claims.values()];
}

export function claimKey(claim: BranchClaim): string {
  return `${claim.repo}:${claim.sha}@${claim.branch}`;
}

/** The wanted builds with the branch of every refused claim taken away: they count as no branch's. */
export function withoutBranches(wanted: readonly Wanted[], refused: readonly BranchClaim[]): Wanted[] {
  const keys = new Set(refused.map(claimKey));
  return wanted.map((entry) => {
    const { build } = entry;
    if (build.trigger !== "workflow_run" || build.branch === undefined || build.sha === undefined)
      return entry;
    const key = claimKey({
      repo: fullName(build.repository).toLowerCase(),
      branch: build.branch,
      sha: build.sha.toLowerCase(),
    });
    return keys.has(key) ? { ...entry, build: { ...build, branch: undefined } } : entry;
  });
}
