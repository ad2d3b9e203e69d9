import type { ProbotOctokit } from "probot";

/** The installation-authenticated client Probot hands to handlers (`context.octokit`, `app.auth(id)`). */
export type Octokit = InstanceType<typeof ProbotOctokit>;

/** A repository on GitHub, by owner and name. */
export interface RepoId {
  readonly owner: string;
  readonly name: string;
}

export function repoKey(repo: RepoId): string {
  return `${repo.owner}/${repo.name}`.toLowerCase();
}
