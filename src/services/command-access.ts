import { statusOf } from "../adapters/github/compare-commits.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import type { ManifestsRepo } from "./manifests-registry.js";

/** GitHub's repository roles, weakest first; a custom role counts as the base permission GitHub reports. */
export const RANK: Readonly<Record<string, number>> = {
  none: 0,
  read: 1,
  triage: 2,
  write: 3,
  maintain: 4,
  admin: 5,
};

/** What one person may see and do in the manifests repositories a comment concerns. */
export interface Access {
  /** Their role in a manifests repository, as a RANK. */
  rank(repo: RepoId): number;
  /**
   * Whether they may read it: it is public, they have at least read permission on it, or they comment
   * in it (GitHub lets only those who can read a private repository comment there).
   */
  canRead(repo: ManifestsRepo): boolean;
  /**
   * Whether they have any permission on one of them. Everyone else is an outsider: answered with at
   * most one reply and no reactions, so that outsiders cannot spend what deploys need.
   */
  readonly member: boolean;
}

/**
 * Reads the person's permission on each manifests repository (one request each) before anything runs;
 * `here` is the repository they comment in.
 */
export async function accessOf(
  octokit: Octokit,
  repos: readonly ManifestsRepo[],
  login: string,
  here: RepoId,
): Promise<Access> {
  const ranks = new Map<string, number>();
  for (const repo of repos) ranks.set(repoKey(repo), await permissionRank(octokit, repo, login));
  const rank = (repo: RepoId) => ranks.get(repoKey(repo)) ?? 0;
  const read = RANK["read"] ?? 1;
  const inPrivate = (repo: ManifestsRepo) => repo.private !== false && repoKey(repo) === repoKey(here);
  return {
    rank,
    canRead: (repo) => repo.private === false || rank(repo) >= read || inPrivate(repo),
    member: repos.some((repo) => rank(repo) >= read || inPrivate(repo)),
  };
}

async function permissionRank(octokit: Octokit, repo: RepoId, login: string): Promise<number> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({
      owner: repo.owner,
      repo: repo.name,
      username: login,
    });
    const role = (data as { role_name?: string }).role_name ?? "none";
    return Math.max(RANK[role] ?? 0, RANK[data.permission] ?? 0);
  } catch (error) {
    if (statusOf(error) === 404) return 0;
    throw error;
  }
}
