import type { Account, CommentRecord, IssueRecord, PullRecord, RepoRecord } from "./state.js";
import type { TwinStore } from "./store.js";
import { commentJson, issueJson, repoJson, userJson, type Json, type Urls } from "./rest/shapes.js";

/**
 * Issues and comments as both the REST routes (the app writing) and the harness (a person writing)
 * record them, and the `issues` and `issue_comment` webhooks GitHub sends for them.
 */

/** Opens an issue by `user`, with the next number of the repository's shared issue/PR numbering. */
export function recordIssue(
  store: TwinStore,
  repo: RepoRecord,
  input: {
    title: string;
    body: string | null;
    user: Account;
    labels?: string[];
    assignees?: Account[];
    /** What makes the issue a pull request. */
    pull?: PullRecord;
  },
): IssueRecord {
  const id = store.nextId();
  const now = store.timestamp();
  const number = repo.issues.size + 1;
  const issue: IssueRecord = {
    id,
    nodeId: store.nodeId("I", id),
    number,
    title: input.title,
    body: input.body,
    state: "open",
    stateReason: null,
    user: input.user,
    labels: input.labels ?? [],
    assignees: input.assignees ?? [],
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    locked: false,
    pull: input.pull ?? null,
    reactions: [],
  };
  repo.issues.set(number, issue);
  return issue;
}

/** Adds a comment by `user` to an issue or pull request (which it updates, as GitHub does). */
export function recordComment(
  store: TwinStore,
  repo: RepoRecord,
  issue: IssueRecord,
  body: string,
  user: Account,
): CommentRecord {
  const id = store.nextId();
  const now = store.timestamp();
  const comment: CommentRecord = {
    id,
    nodeId: store.nodeId("IC", id),
    issueNumber: issue.number,
    body,
    user,
    createdAt: now,
    updatedAt: now,
    reactions: [],
  };
  repo.comments.set(id, comment);
  issue.updatedAt = now;
  return comment;
}

/** The `issues` webhook payload (without `installation`, which each delivery adds). */
export function issuePayload(
  urls: Urls,
  repo: RepoRecord,
  issue: IssueRecord,
  action: string,
  sender: Account,
  extra: Json = {},
): Json {
  return {
    action,
    issue: issueJson(urls, repo, issue),
    ...extra,
    repository: repoJson(urls, repo),
    sender: userJson(urls, sender),
  };
}

/** The `issue_comment` webhook payload; on a pull request `issue.pull_request` says so, as on GitHub. */
export function commentPayload(
  urls: Urls,
  repo: RepoRecord,
  issue: IssueRecord,
  comment: CommentRecord,
  action: string,
  sender: Account,
  extra: Json = {},
): Json {
  return issuePayload(urls, repo, issue, action, sender, {
    comment: commentJson(urls, repo, comment),
    ...extra,
  });
}
