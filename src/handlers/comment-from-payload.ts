import type { SourceRepository } from "../core/plan/build.js";
import { firstIssue, issueCommentPayloadSchema, sourceRepository } from "./payload-schemas.js";

/** A new comment that may hold commands, as the app reads it from an `issue_comment` webhook. */
export interface CommentEvent {
  readonly repository: SourceRepository;
  readonly issueNumber: number;
  readonly isPullRequest: boolean;
  readonly commentId: number;
  readonly body: string;
  readonly url: string;
  /** Who wrote it. */
  readonly login: string;
}

export type CommentParse =
  | { readonly ok: true; readonly comment: CommentEvent }
  | { readonly ok: false; readonly ignored: string }
  | { readonly ok: false; readonly invalid: string };

/**
 * Only a newly created comment by a person runs commands: an edited comment is not run again, and
 * bots (this app included) are never answered, so two bots cannot talk to each other forever.
 */
export function commentFromPayload(payload: unknown): CommentParse {
  const parsed = issueCommentPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, invalid: firstIssue(parsed.error) };
  const { action, repository, issue, comment, sender } = parsed.data;
  if (action !== "created") return { ok: false, ignored: `comment ${action}, not created` };
  if (sender.type === "Bot" || comment.user.type === "Bot" || sender.login.endsWith("[bot]"))
    return { ok: false, ignored: `comment by the bot ${sender.login}` };
  return {
    ok: true,
    comment: {
      repository: sourceRepository(repository),
      issueNumber: issue.number,
      isPullRequest: issue.pull_request != null,
      commentId: comment.id,
      body: comment.body ?? "",
      url: comment.html_url,
      login: comment.user.login,
    },
  };
}
