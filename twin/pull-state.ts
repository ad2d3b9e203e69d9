import type { Account, IssueRecord, PullRecord, RepoRecord } from "./state.js";

/** Whether the pull request's head branch lives in a fork of the base repository. */
export function isCrossRepository(repo: RepoRecord, pull: PullRecord): boolean {
  return pull.headRepo !== repo;
}

/** `refs/pull/<n>/head`: where GitHub keeps a pull request's head commit in the base repository. */
export function pullRefOf(repo: RepoRecord, pull: PullRecord): string | undefined {
  for (const issue of repo.issues.values()) if (issue.pull === pull) return `refs/pull/${issue.number}/head`;
  return undefined;
}

/**
 * The head SHA of a pull request: its branch's tip while the branch exists, else the last one seen. A
 * fork's branch that moved is copied into the base repository first (`refs/pull/<n>/head`), as GitHub
 * does on every push to it, so the base repository's git knows the commit.
 */
export async function headSha(repo: RepoRecord, pull: PullRecord): Promise<string> {
  if (pull.merged) return pull.headSha;
  const branch = `refs/heads/${pull.headRef}`;
  const live = await pull.headRepo.git.getRef(branch);
  if (!live || live === pull.headSha) return pull.headSha;
  if (isCrossRepository(repo, pull)) {
    const ref = pullRefOf(repo, pull);
    const copied = ref ? await repo.git.fetchRef(pull.headRepo.git, branch, ref) : null;
    if (copied) pull.headSha = copied;
    return pull.headSha;
  }
  pull.headSha = live;
  return pull.headSha;
}

/** Required checks that have not succeeded on `sha` (latest status or check run per name). */
export function missingChecks(repo: RepoRecord, sha: string): string[] {
  return repo.requiredChecks.filter((name) => {
    const status = repo.statuses.filter((s) => s.sha === sha && s.context === name).at(-1);
    const run = [...repo.checkRuns.values()].filter((r) => r.headSha === sha && r.name === name).at(-1);
    return status?.state !== "success" && run?.conclusion !== "success";
  });
}

/** Records a pull request as merged and closed at `now` (by a merge, or because its head reached its base). */
export function markMerged(
  issue: IssueRecord,
  pull: PullRecord,
  merge: { readonly by: Account; readonly commitSha: string; readonly head: string; readonly now: string },
): void {
  pull.merged = true;
  pull.mergedAt = merge.now;
  pull.mergedBy = merge.by;
  pull.mergeCommitSha = merge.commitSha;
  pull.headSha = merge.head;
  pull.autoMerge = null;
  issue.state = "closed";
  issue.closedAt = merge.now;
  issue.updatedAt = merge.now;
}
