import type { TwinCore } from "./twin-core.js";
import type { Account, IssueRecord, PullRecord, RepoRecord } from "./state.js";
import { ZERO_SHA } from "./git/git-repo.js";
import { branchMoved, pullRequestEvent } from "./events.js";
import { headSha, markMerged, missingChecks } from "./pull-state.js";
import { recordIssue } from "./issues.js";

export type MergeMethod = "merge" | "squash" | "rebase";

/** Why a merge was refused, with the status and message GitHub's REST API gives. */
export class MergeRefused extends Error {
  constructor(
    readonly status: 405 | 409 | 422,
    message: string,
  ) {
    super(message);
  }
}

export function findPull(
  repo: RepoRecord,
  number: number,
): { issue: IssueRecord; pull: PullRecord } | undefined {
  const issue = repo.issues.get(number);
  return issue?.pull ? { issue, pull: issue.pull } : undefined;
}

/**
 * The repository and branch of a pull request's `head`: `branch` or `owner:branch` in the base
 * repository, or `owner:branch` in `owner`'s fork of it. Another repository is GitHub's 422.
 */
function headOf(twin: TwinCore, repo: RepoRecord, head: string): { repo: RepoRecord; branch: string } {
  const colon = head.indexOf(":");
  if (colon === -1) return { repo, branch: head };
  const owner = head.slice(0, colon);
  const branch = head.slice(colon + 1);
  if (owner.toLowerCase() === repo.owner.login.toLowerCase()) return { repo, branch };
  const fork = [...twin.store.repos.values()].find(
    (candidate) => candidate.parent === repo && candidate.owner.login.toLowerCase() === owner.toLowerCase(),
  );
  if (!fork) throw new MergeRefused(422, `head: invalid (${head})`);
  return { repo: fork, branch };
}

function refuseDuplicate(repo: RepoRecord, headRepo: RepoRecord, head: string, base: string): void {
  for (const issue of repo.issues.values()) {
    const pull = issue.pull;
    if (
      pull &&
      issue.state === "open" &&
      pull.headRepo === headRepo &&
      pull.headRef === head &&
      pull.baseRef === base
    )
      throw new MergeRefused(422, `A pull request already exists for ${headRepo.owner.login}:${head}.`);
  }
}

export async function createPull(
  twin: TwinCore,
  repo: RepoRecord,
  input: { title: string; body: string | null; head: string; base: string; draft: boolean; user: Account },
): Promise<IssueRecord> {
  const { repo: headRepo, branch: head } = headOf(twin, repo, input.head);
  const cross = headRepo !== repo;
  // A fork's commits are copied into the base repository first (to refs/pull/<n>/head once numbered).
  const incoming = `refs/twin/incoming/${twin.store.nextId()}`;
  const headSha = cross
    ? await repo.git.fetchRef(headRepo.git, `refs/heads/${head}`, incoming)
    : await repo.git.getRef(`refs/heads/${head}`);
  const baseSha = await repo.git.getRef(`refs/heads/${input.base}`);
  try {
    if (!headSha) throw new MergeRefused(422, `head: invalid (${head})`);
    if (!baseSha) throw new MergeRefused(422, `base: invalid (${input.base})`);
    refuseDuplicate(repo, headRepo, head, input.base);
    if ((await repo.git.commitsBetween(baseSha, headSha)).length === 0) {
      throw new MergeRefused(422, `No commits between ${input.base} and ${input.head}`);
    }
  } finally {
    if (cross && headSha) await repo.git.deleteRef(incoming, headSha);
  }
  // Checked again after the awaits above: two concurrent requests must not both open a PR.
  refuseDuplicate(repo, headRepo, head, input.base);
  const id = twin.store.nextId();
  const issue = recordIssue(twin.store, repo, {
    title: input.title,
    body: input.body,
    user: input.user,
    pull: {
      id,
      nodeId: twin.store.nodeId("PR", id),
      headRepo,
      headRef: head,
      headSha,
      baseRef: input.base,
      draft: input.draft,
      merged: false,
      mergedAt: null,
      mergedBy: null,
      mergeCommitSha: null,
      maintainerCanModify: false,
      autoMerge: null,
    },
  });
  if (cross && !(await repo.git.casRef(`refs/pull/${issue.number}/head`, headSha, ZERO_SHA)))
    throw new Error(`twin: refs/pull/${issue.number}/head exists already`);
  await pullRequestEvent(twin, repo, issue, "opened", input.user);
  return issue;
}

/**
 * Merges a pull request as GitHub does: refused when closed (405), when the head moved past `sha` (409),
 * when it conflicts or required checks are missing (405); moves the base branch and emits events.
 */
export async function mergePull(
  twin: TwinCore,
  repo: RepoRecord,
  view: { issue: IssueRecord; pull: PullRecord },
  input: {
    sha?: string | undefined;
    method: MergeMethod;
    title?: string | undefined;
    message?: string | undefined;
    user: Account;
  },
): Promise<string> {
  const { issue, pull } = view;
  if (issue.state !== "open") throw new MergeRefused(405, "Pull Request is not mergeable");
  const head = await headSha(repo, pull);
  if (input.sha !== undefined && input.sha !== head) {
    throw new MergeRefused(409, "Head branch was modified. Review and try the merge again.");
  }
  if (pull.draft) throw new MergeRefused(405, "Pull Request is still a draft");
  const methodAllowed =
    input.method === "merge"
      ? repo.allowMergeCommit
      : input.method === "squash"
        ? repo.allowSquashMerge
        : repo.allowRebaseMerge;
  if (!methodAllowed)
    throw new MergeRefused(405, `${input.method} merges are not allowed on this repository.`);
  const missing = missingChecks(repo, head);
  if (missing.length > 0) {
    throw new MergeRefused(405, `Required status check "${missing[0]}" is expected.`);
  }
  const baseRef = `refs/heads/${pull.baseRef}`;
  const base = await repo.git.getRef(baseRef);
  if (!base) throw new MergeRefused(405, "Pull Request is not mergeable");
  const tree = await repo.git.mergeTrees(base, head);
  if (tree === null) throw new MergeRefused(405, "Pull Request has merge conflicts");
  const identity = { name: input.user.login, email: input.user.email, date: twin.store.now().toISOString() };
  const committer = { name: "GitHub", email: "noreply@github.com", date: identity.date };
  let sha: string;
  if (input.method === "merge") {
    const message = `${input.title ?? `Merge pull request #${issue.number} from ${pull.headRepo.owner.login}/${pull.headRef}`}\n\n${input.message ?? issue.title}\n`;
    sha = await repo.git.writeCommit({ tree, parents: [base, head], message, author: identity, committer });
  } else {
    // squash and rebase both land the PR's changes as new commits on the base; the twin writes one.
    const fallback = await squashDefault(repo, issue, base, head);
    const message =
      `${input.title ?? fallback.title}\n\n${input.message ?? fallback.message}`.trimEnd() + "\n";
    sha = await repo.git.writeCommit({ tree, parents: [base], message, author: identity, committer });
  }
  if (!(await repo.git.casRef(baseRef, sha, base))) {
    throw new MergeRefused(405, "Base branch was modified. Review and try the merge again.");
  }
  markMerged(issue, pull, { by: input.user, commitSha: sha, head, now: twin.store.timestamp() });
  await branchMoved(twin, repo, baseRef, base, sha, input.user);
  await pullRequestEvent(twin, repo, issue, "closed", input.user);
  // A fork's branch is its owner's: GitHub deletes only the base repository's own.
  if (repo.deleteBranchOnMerge && pull.headRepo === repo) {
    const headRef = `refs/heads/${pull.headRef}`;
    if (await repo.git.deleteRef(headRef, head))
      await branchMoved(twin, repo, headRef, head, ZERO_SHA, input.user);
  }
  return sha;
}

/**
 * GitHub's default squash commit message (the repository settings' defaults, `squash_merge_commit_title:
 * COMMIT_OR_PR_TITLE` and `squash_merge_commit_message: COMMIT_MESSAGES`): a pull request of one commit
 * takes that commit's title and body; of several, the pull request's title and each commit's message as
 * a `* ` item. The title ends with ` (#<number>)`.
 */
async function squashDefault(
  repo: RepoRecord,
  issue: IssueRecord,
  base: string,
  head: string,
): Promise<{ title: string; message: string }> {
  const shas = await repo.git.commitsBetween(base, head);
  const messages: string[] = [];
  for (const sha of shas) messages.push((await repo.git.readCommit(sha))?.message.trimEnd() ?? "");
  const [only] = messages;
  if (messages.length === 1 && only !== undefined) {
    const newline = only.indexOf("\n");
    const title = newline === -1 ? only : only.slice(0, newline);
    return {
      title: `${title} (#${issue.number})`,
      message: newline === -1 ? "" : only.slice(newline + 1).replace(/^\n+/, ""),
    };
  }
  return {
    title: `${issue.title} (#${issue.number})`,
    message: messages.map((text) => `* ${text}`).join("\n\n"),
  };
}

export async function closePull(
  twin: TwinCore,
  repo: RepoRecord,
  issue: IssueRecord,
  user: Account,
): Promise<void> {
  if (issue.state === "closed") return;
  if (issue.pull) await headSha(repo, issue.pull);
  const now = twin.store.timestamp();
  issue.state = "closed";
  issue.closedAt = now;
  issue.updatedAt = now;
  if (issue.pull) issue.pull.autoMerge = null;
  await pullRequestEvent(twin, repo, issue, "closed", user);
}

/** Merges every PR with auto-merge enabled whose requirements are now met (after a status or check). */
export async function settleAutoMerge(twin: TwinCore, repo: RepoRecord): Promise<void> {
  for (const issue of [...repo.issues.values()]) {
    const pull = issue.pull;
    if (!pull || issue.state !== "open" || !pull.autoMerge) continue;
    const head = await headSha(repo, pull);
    if (missingChecks(repo, head).length > 0) continue;
    try {
      await mergePull(
        twin,
        repo,
        { issue, pull },
        {
          method: pull.autoMerge.mergeMethod.toLowerCase() as MergeMethod,
          title: pull.autoMerge.commitTitle ?? undefined,
          message: pull.autoMerge.commitBody ?? undefined,
          user: pull.autoMerge.enabledBy,
        },
      );
    } catch (error) {
      if (!(error instanceof MergeRefused)) throw error;
    }
  }
}
