import type { PullRecord, RepoRecord } from "./state.js";

/** The head SHA of a pull request: its branch's tip while the branch exists, else the last one seen. */
export async function headSha(repo: RepoRecord, pull: PullRecord): Promise<string> {
  if (pull.merged) return pull.headSha;
  const live = await repo.git.getRef(`refs/heads/${pull.headRef}`);
  if (live) pull.headSha = live;
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
