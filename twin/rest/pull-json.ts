import type { IssueRecord, PullRecord, RepoRecord } from "../state.js";
import { fullName } from "../state.js";
import { headSha, missingChecks } from "../pull-state.js";
import { repoJson, repoUrl, userJson, labelJson, type Json, type Urls } from "./shapes.js";

export interface PullView {
  readonly issue: IssueRecord;
  readonly pull: PullRecord;
}

export async function mergeableState(
  repo: RepoRecord,
  view: PullView,
): Promise<{ mergeable: boolean | null; state: string }> {
  if (view.issue.state === "closed") return { mergeable: null, state: "unknown" };
  const head = await headSha(repo, view.pull);
  const base = await repo.git.getRef(`refs/heads/${view.pull.baseRef}`);
  if (!base) return { mergeable: false, state: "dirty" };
  const tree = await repo.git.mergeTrees(base, head);
  if (tree === null) return { mergeable: false, state: "dirty" };
  if (view.pull.draft) return { mergeable: true, state: "draft" };
  if (missingChecks(repo, head).length > 0) return { mergeable: true, state: "blocked" };
  return { mergeable: true, state: "clean" };
}

/** GitHub's pull-request shape (and, with `simple`, the shorter one lists return). */
export async function pullJson(urls: Urls, repo: RepoRecord, view: PullView, simple = false): Promise<Json> {
  const { issue, pull } = view;
  const api = `${repoUrl(urls, repo)}/pulls/${issue.number}`;
  const html = `${urls.web}/${fullName(repo)}/pull/${issue.number}`;
  const head = await headSha(repo, pull);
  const base = (await repo.git.getRef(`refs/heads/${pull.baseRef}`)) ?? "";
  const branch = (where: RepoRecord, ref: string, sha: string): Json => ({
    label: `${where.owner.login}:${ref}`,
    ref,
    sha,
    user: userJson(urls, where.owner),
    repo: repoJson(urls, where),
  });
  const json: Json = {
    url: api,
    id: pull.id,
    node_id: pull.nodeId,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${repoUrl(urls, repo)}/issues/${issue.number}`,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoUrl(urls, repo)}/pulls/comments{/number}`,
    comments_url: `${repoUrl(urls, repo)}/issues/${issue.number}/comments`,
    statuses_url: `${repoUrl(urls, repo)}/statuses/${head}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userJson(urls, issue.user),
    body: issue.body,
    labels: issue.labels.map((name, index) => labelJson(urls, repo, name, index)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
    closed_at: issue.closedAt,
    merged_at: pull.mergedAt,
    merge_commit_sha: pull.mergeCommitSha,
    assignee: issue.assignees[0] ? userJson(urls, issue.assignees[0]) : null,
    assignees: issue.assignees.map((user) => userJson(urls, user)),
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pull.headRepo, pull.headRef, head),
    base: branch(repo, pull.baseRef, base),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: `${repoUrl(urls, repo)}/issues/${issue.number}` },
      comments: { href: `${repoUrl(urls, repo)}/issues/${issue.number}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${repoUrl(urls, repo)}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${repoUrl(urls, repo)}/statuses/${head}` },
    },
    author_association: "NONE",
    auto_merge: pull.autoMerge
      ? {
          enabled_by: userJson(urls, pull.autoMerge.enabledBy),
          merge_method: pull.autoMerge.mergeMethod.toLowerCase(),
          commit_title: pull.autoMerge.commitTitle ?? "",
          commit_message: pull.autoMerge.commitBody ?? "",
        }
      : null,
    draft: pull.draft,
  };
  if (simple) return json;
  const state = await mergeableState(repo, view);
  const mergeBase = base && head ? await repo.git.mergeBase(base, head) : null;
  const files = mergeBase ? await repo.git.diff(mergeBase, head) : [];
  const commits = mergeBase ? (await repo.git.commitsBetween(mergeBase, head)).length : 0;
  const comments = [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length;
  return {
    ...json,
    merged: pull.merged,
    mergeable: state.mergeable,
    rebaseable: state.mergeable,
    mergeable_state: state.state,
    merged_by: pull.mergedBy ? userJson(urls, pull.mergedBy) : null,
    comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainerCanModify,
    commits,
    additions: files.reduce((sum, file) => sum + file.additions, 0),
    deletions: files.reduce((sum, file) => sum + file.deletions, 0),
    changed_files: files.length,
  };
}

/**
 * Open pull requests whose head is `sha`, in the short form check runs and workflow runs list them
 * (`pull-request-minimal`); a fork's pull requests are not listed, as on GitHub.
 */
export async function pullsAtJson(urls: Urls, repo: RepoRecord, sha: string): Promise<Json[]> {
  const api = repoUrl(urls, repo);
  const branchRepo = { id: repo.id, url: api, name: repo.name };
  const pulls: Json[] = [];
  for (const issue of repo.issues.values()) {
    const pull = issue.pull;
    // GitHub leaves a fork's pull requests out of these lists.
    if (!pull || issue.state !== "open" || pull.headSha !== sha || pull.headRepo !== repo) continue;
    const base = (await repo.git.getRef(`refs/heads/${pull.baseRef}`)) ?? "";
    pulls.push({
      id: pull.id,
      number: issue.number,
      url: `${api}/pulls/${issue.number}`,
      head: { ref: pull.headRef, sha, repo: branchRepo },
      base: { ref: pull.baseRef, sha: base, repo: branchRepo },
    });
  }
  return pulls;
}
