import type { TwinCore } from "./twin-core.js";
import type { Account, IssueRecord, RepoRecord } from "./state.js";
import { fullName } from "./state.js";
import { ZERO_SHA } from "./git/git-repo.js";
import { repoJson, simpleCommitJson, userJson } from "./rest/shapes.js";
import { pullJson } from "./rest/pull-json.js";
import { headSha, markMerged, pullRefOf } from "./pull-state.js";

/**
 * After a branch moved through the API: a `push` event, and `synchronize` for open PRs from that branch
 * (in this repository, and in its parent when it is a fork: GitHub copies the head to `refs/pull/<n>/head`).
 */
export async function branchMoved(
  twin: TwinCore,
  repo: RepoRecord,
  ref: string,
  before: string,
  after: string,
  sender: Account,
): Promise<void> {
  repo.pushedAt = twin.store.timestamp();
  await pushEvent(twin, repo, ref, before, after, sender);
  if (!ref.startsWith("refs/heads/") || after === ZERO_SHA) return;
  const branch = ref.slice("refs/heads/".length);
  for (const base of repo.parent ? [repo, repo.parent] : [repo]) {
    for (const issue of [...base.issues.values()]) {
      const pull = issue.pull;
      if (!pull || issue.state !== "open" || pull.headRepo !== repo || pull.headRef !== branch) continue;
      if (base !== repo) {
        const pullRef = pullRefOf(base, pull);
        if (!pullRef || (await base.git.fetchRef(repo.git, ref, pullRef)) !== after) continue;
      }
      pull.headSha = after;
      await pullRequestEvent(twin, base, issue, "synchronize", sender, { before, after });
    }
    await closeReachedPulls(twin, base, repo, branch, sender);
  }
}

/**
 * As on GitHub: an open pull request whose head commit is reachable from its base branch (its head was
 * moved into the base, or the base received its commits) is marked merged and closed, with a `closed`
 * event. Moving a living PR's branch to the base head "for a moment" closes it for good. `moved` is the
 * repository whose `branch` moved (the base repository, or a fork whose pull requests target it).
 */
async function closeReachedPulls(
  twin: TwinCore,
  repo: RepoRecord,
  moved: RepoRecord,
  branch: string,
  sender: Account,
): Promise<void> {
  for (const issue of [...repo.issues.values()]) {
    const pull = issue.pull;
    if (!pull || issue.state !== "open") continue;
    const headMoved = pull.headRepo === moved && pull.headRef === branch;
    const baseMoved = moved === repo && pull.baseRef === branch;
    if (!headMoved && !baseMoved) continue;
    const base = await repo.git.getRef(`refs/heads/${pull.baseRef}`);
    const head = await headSha(repo, pull);
    if (!base || !(await repo.git.isAncestor(head, base))) continue;
    markMerged(issue, pull, { by: sender, commitSha: head, head, now: twin.store.timestamp() });
    await pullRequestEvent(twin, repo, issue, "closed", sender);
  }
}

async function pushEvent(
  twin: TwinCore,
  repo: RepoRecord,
  ref: string,
  before: string,
  after: string,
  sender: Account,
): Promise<void> {
  if (!twin.hasSubscribers(repo, "push")) return;
  const urls = twin.urls;
  const shas =
    after === ZERO_SHA ? [] : before === ZERO_SHA ? [after] : await repo.git.commitsBetween(before, after);
  const commits = [];
  for (const sha of shas.slice(-20)) {
    const commit = await repo.git.readCommit(sha);
    if (!commit) continue;
    const parent = commit.parents[0];
    const files = parent ? await repo.git.diff(parent, sha) : [];
    commits.push({
      ...simpleCommitJson(commit),
      distinct: true,
      url: `${urls.web}/${fullName(repo)}/commit/${sha}`,
      added: files.filter((f) => f.status === "added").map((f) => f.path),
      removed: files.filter((f) => f.status === "removed").map((f) => f.path),
      modified: files.filter((f) => f.status === "modified").map((f) => f.path),
    });
  }
  twin.emit(repo, "push", {
    ref,
    before,
    after,
    created: before === ZERO_SHA,
    deleted: after === ZERO_SHA,
    forced: before !== ZERO_SHA && after !== ZERO_SHA && !(await repo.git.isAncestor(before, after)),
    base_ref: null,
    compare: `${urls.web}/${fullName(repo)}/compare/${before.slice(0, 12)}...${after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    repository: repoJson(urls, repo),
    pusher: { name: sender.login, email: sender.email },
    sender: userJson(urls, sender),
  });
}

export async function pullRequestEvent(
  twin: TwinCore,
  repo: RepoRecord,
  issue: IssueRecord,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): Promise<void> {
  if (!issue.pull || !twin.hasSubscribers(repo, "pull_request")) return;
  twin.emit(repo, "pull_request", {
    action,
    number: issue.number,
    ...extra,
    pull_request: await pullJson(twin.urls, repo, { issue, pull: issue.pull }),
    repository: repoJson(twin.urls, repo),
    sender: userJson(twin.urls, sender),
  });
}
