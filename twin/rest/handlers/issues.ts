import type { TwinCore } from "../../twin-core.js";
import type { Account, CommentRecord, IssueRecord, ReactionRecord, RepoRecord } from "../../state.js";
import { fullName } from "../../state.js";
import { closePull } from "../../pulls.js";
import { pullRequestEvent } from "../../events.js";
import {
  actor,
  HttpError,
  notFound,
  paginate,
  requireRepo,
  str,
  type RestHandlers,
  type RestRequest,
  type RestResponse,
  invalid,
} from "../handler.js";
import { commentJson, issueJson, reactionJson } from "../shapes.js";
import { commentPayload, issuePayload, recordComment, recordIssue } from "../../issues.js";

function issueOf(request: RestRequest, twin: TwinCore): { repo: RepoRecord; issue: IssueRecord } {
  const repo = requireRepo(request, twin);
  const issue = repo.issues.get(Number(request.params["issue_number"]));
  if (!issue) throw notFound();
  return { repo, issue };
}

function commentOf(request: RestRequest, twin: TwinCore): { repo: RepoRecord; comment: CommentRecord } {
  const repo = requireRepo(request, twin);
  const comment = repo.comments.get(Number(request.params["comment_id"]));
  if (!comment) throw notFound();
  return { repo, comment };
}

/** `labels` as GitHub takes them: names, or objects with a `name`; duplicates dropped. */
function labelNames(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const names: string[] = [];
  for (const item of value) {
    const name =
      typeof item === "string"
        ? item
        : item !== null &&
            typeof item === "object" &&
            typeof (item as Record<string, unknown>)["name"] === "string"
          ? String((item as Record<string, unknown>)["name"])
          : undefined;
    if (name !== undefined && name.trim() !== "" && !names.includes(name)) names.push(name);
  }
  return names;
}

/** `assignees` (logins) as accounts; GitHub rejects logins it does not know. */
function assigneesOf(twin: TwinCore, value: unknown): Account[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const accounts: Account[] = [];
  for (const login of value) {
    const account = typeof login === "string" ? twin.store.findAccount(login) : undefined;
    if (!account) throw invalid("Issue", "assignees", "invalid", login);
    if (!accounts.some((a) => a.id === account.id)) accounts.push(account);
  }
  return accounts;
}

function titleOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function issueEvent(
  twin: TwinCore,
  repo: RepoRecord,
  issue: IssueRecord,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): void {
  twin.emit(repo, "issues", issuePayload(twin.urls, repo, issue, action, sender, extra));
}

function commentEvent(
  twin: TwinCore,
  repo: RepoRecord,
  comment: CommentRecord,
  action: string,
  sender: Account,
  extra: Record<string, unknown> = {},
): void {
  const issue = repo.issues.get(comment.issueNumber);
  if (!issue) return;
  twin.emit(repo, "issue_comment", commentPayload(twin.urls, repo, issue, comment, action, sender, extra));
}

/** Adds a reaction, or answers 200 with the one the user already left with that content, as GitHub does. */
function react(request: RestRequest, twin: TwinCore, reactions: ReactionRecord[]): RestResponse {
  const user = actor(request, twin);
  const content = str(request.body, "content") ?? "";
  const existing = reactions.find((r) => r.user.id === user.id && r.content === content);
  if (existing) return { status: 200, body: reactionJson(request.urls, existing) };
  const id = twin.store.nextId();
  const reaction: ReactionRecord = {
    id,
    nodeId: twin.store.nodeId("REA", id),
    user,
    content,
    createdAt: twin.store.timestamp(),
  };
  reactions.push(reaction);
  return { status: 201, body: reactionJson(request.urls, reaction) };
}

function byCreated(a: IssueRecord, b: IssueRecord): number {
  return a.createdAt.localeCompare(b.createdAt) || a.number - b.number;
}

export const issuesHandlers: RestHandlers = {
  "issues/create": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const title = titleOf(request.body["title"]);
    if (title === undefined || title.trim() === "") throw invalid("Issue", "title", "missing_field");
    const user = actor(request, twin);
    const assignee = str(request.body, "assignee");
    const assignees = assigneesOf(twin, request.body["assignees"] ?? (assignee ? [assignee] : [])) ?? [];
    const issue = recordIssue(twin.store, repo, {
      title,
      body: str(request.body, "body") ?? null,
      user,
      labels: labelNames(request.body["labels"]) ?? [],
      assignees,
    });
    issueEvent(twin, repo, issue, "opened", user);
    const body = issueJson(request.urls, repo, issue);
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "issues/get": async (request, twin) => {
    const { repo, issue } = issueOf(request, twin);
    return { status: 200, body: issueJson(request.urls, repo, issue) };
  },

  "issues/update": async (request, twin) => {
    const { repo, issue } = issueOf(request, twin);
    const user = actor(request, twin);
    const state = str(request.body, "state");
    if (state === "open" && issue.state === "closed" && issue.pull?.merged) {
      throw new HttpError(422, "Validation Failed", [
        {
          resource: "Issue",
          field: "state",
          code: "custom",
          message: "state cannot be changed. The pull request has been merged.",
        },
      ]);
    }
    const changes: Record<string, { from: unknown }> = {};
    const title = titleOf(request.body["title"]);
    if (title !== undefined && title !== issue.title) {
      if (title.trim() === "") throw invalid("Issue", "title", "missing_field");
      changes["title"] = { from: issue.title };
      issue.title = title;
    }
    if ("body" in request.body) {
      const body = str(request.body, "body") ?? null;
      if (body !== issue.body) {
        changes["body"] = { from: issue.body ?? "" };
        issue.body = body;
      }
    }
    const labels = labelNames(request.body["labels"]);
    if (labels !== undefined) issue.labels = labels;
    const assignee = request.body["assignee"];
    const assignees = assigneesOf(
      twin,
      request.body["assignees"] ??
        (typeof assignee === "string" ? [assignee] : assignee === null ? [] : undefined),
    );
    if (assignees !== undefined) issue.assignees = assignees;
    issue.updatedAt = twin.store.timestamp();
    const edited = Object.keys(changes).length > 0;

    const reason = str(request.body, "state_reason");
    if (issue.pull) {
      if (edited) await pullRequestEvent(twin, repo, issue, "edited", user, { changes });
      if (state === "closed" && issue.state === "open") await closePull(twin, repo, issue, user);
      if (state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.closedAt = null;
        await pullRequestEvent(twin, repo, issue, "reopened", user);
      }
    } else {
      if (edited) issueEvent(twin, repo, issue, "edited", user, { changes });
      if (state === "closed" && issue.state === "open") {
        issue.state = "closed";
        issue.closedAt = issue.updatedAt;
        // The twin's records know no "duplicate" reason; GitHub counts a duplicate as not planned.
        issue.stateReason = reason === "not_planned" || reason === "duplicate" ? reason : "completed";
        issueEvent(twin, repo, issue, "closed", user);
      } else if (state === "open" && issue.state === "closed") {
        issue.state = "open";
        issue.closedAt = null;
        issue.stateReason = "reopened";
        issueEvent(twin, repo, issue, "reopened", user);
      }
    }
    return { status: 200, body: issueJson(request.urls, repo, issue) };
  },

  "issues/list-for-repo": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const q = request.query;
    const state = q.get("state") ?? "open";
    const labels = (q.get("labels") ?? "")
      .split(",")
      .map((label) => label.trim())
      .filter((label) => label !== "");
    const creator = q.get("creator")?.toLowerCase();
    const assignee = q.get("assignee")?.toLowerCase();
    const since = q.get("since");
    const sort = q.get("sort") ?? "created";
    const direction = q.get("direction") === "asc" ? 1 : -1;
    const commentCount = (issue: IssueRecord): number =>
      [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length;
    const issues = [...repo.issues.values()]
      .filter((issue) => state === "all" || issue.state === state)
      .filter((issue) =>
        labels.every((label) => issue.labels.some((l) => l.toLowerCase() === label.toLowerCase())),
      )
      .filter((issue) => !creator || issue.user.login.toLowerCase() === creator)
      .filter((issue) => {
        if (assignee === undefined) return true;
        if (assignee === "*") return issue.assignees.length > 0;
        if (assignee === "none") return issue.assignees.length === 0;
        return issue.assignees.some((a) => a.login.toLowerCase() === assignee);
      })
      .filter((issue) => !since || issue.updatedAt >= since)
      .sort((a, b) => {
        const order =
          sort === "updated"
            ? a.updatedAt.localeCompare(b.updatedAt)
            : sort === "comments"
              ? commentCount(a) - commentCount(b)
              : 0;
        return direction * (order || byCreated(a, b));
      });
    const pageOf = paginate(request, issues, `/repos/${fullName(repo)}/issues`);
    return { ...pageOf, body: pageOf.body.map((issue) => issueJson(request.urls, repo, issue)) };
  },

  "issues/create-comment": async (request, twin) => {
    const { repo, issue } = issueOf(request, twin);
    const body = str(request.body, "body");
    if (body === undefined || body.trim() === "") throw invalid("IssueComment", "body", "missing_field");
    const user = actor(request, twin);
    const comment = recordComment(twin.store, repo, issue, body, user);
    commentEvent(twin, repo, comment, "created", user);
    const json = commentJson(request.urls, repo, comment);
    return { status: 201, body: json, headers: { location: String(json["url"]) } };
  },

  "issues/list-comments": async (request, twin) => {
    const { repo, issue } = issueOf(request, twin);
    const since = request.query.get("since");
    const comments = [...repo.comments.values()]
      .filter((c) => c.issueNumber === issue.number)
      .filter((c) => !since || c.updatedAt >= since)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
    const pageOf = paginate(request, comments, `/repos/${fullName(repo)}/issues/${issue.number}/comments`);
    return { ...pageOf, body: pageOf.body.map((c) => commentJson(request.urls, repo, c)) };
  },

  "issues/get-comment": async (request, twin) => {
    const { repo, comment } = commentOf(request, twin);
    return { status: 200, body: commentJson(request.urls, repo, comment) };
  },

  "issues/update-comment": async (request, twin) => {
    const { repo, comment } = commentOf(request, twin);
    const body = str(request.body, "body");
    if (body === undefined || body.trim() === "") throw invalid("IssueComment", "body", "missing_field");
    const from = comment.body;
    comment.body = body;
    comment.updatedAt = twin.store.timestamp();
    if (from !== body)
      commentEvent(twin, repo, comment, "edited", actor(request, twin), { changes: { body: { from } } });
    return { status: 200, body: commentJson(request.urls, repo, comment) };
  },

  "issues/delete-comment": async (request, twin) => {
    const { repo, comment } = commentOf(request, twin);
    const user = actor(request, twin);
    commentEvent(twin, repo, comment, "deleted", user);
    repo.comments.delete(comment.id);
    return { status: 204 };
  },

  "reactions/create-for-issue-comment": async (request, twin) => {
    const { comment } = commentOf(request, twin);
    return react(request, twin, comment.reactions);
  },

  "reactions/list-for-issue-comment": async (request, twin) => {
    const { repo, comment } = commentOf(request, twin);
    const content = request.query.get("content");
    const reactions = comment.reactions.filter((r) => !content || r.content === content);
    const path = `/repos/${fullName(repo)}/issues/comments/${comment.id}/reactions`;
    const pageOf = paginate(request, reactions, path);
    return { ...pageOf, body: pageOf.body.map((r) => reactionJson(request.urls, r)) };
  },

  "reactions/create-for-issue": async (request, twin) => {
    const { issue } = issueOf(request, twin);
    return react(request, twin, issue.reactions);
  },

  "reactions/delete-for-issue-comment": async (request, twin) => {
    const { comment } = commentOf(request, twin);
    const index = comment.reactions.findIndex((r) => r.id === Number(request.params["reaction_id"]));
    if (index < 0) throw notFound();
    comment.reactions.splice(index, 1);
    return { status: 204 };
  },
};
