import type { Context } from "probot";
import type { Octokit } from "../adapters/github/octokit.js";
import { commentFromPayload, type CommentEvent } from "../handlers/comment-from-payload.js";
import type { Deliveries } from "./deliveries.js";

export interface CommentRouterDeps {
  readonly deliveries: Deliveries;
  /** Runs a comment's commands (`CommandRunner.handle`). */
  readonly handle: (octokit: Octokit, installationId: number, comment: CommentEvent) => Promise<void>;
  /** Every Octokit the app uses is counted (metrics). */
  readonly observeOctokit: (octokit: Octokit) => void;
}

/** A new comment's commands run once, in the background: a replayed delivery or comment runs nothing again. */
export async function routeComment(
  deps: CommentRouterDeps,
  context: Context<"issue_comment">,
): Promise<void> {
  const parse = commentFromPayload(context.payload);
  const installationId = context.payload.installation?.id;
  if (!parse.ok || installationId === undefined) {
    const why = parse.ok ? "installation.id is missing" : "invalid" in parse ? parse.invalid : parse.ignored;
    context.log.debug({ event: context.name, delivery: context.id }, `comment ignored: ${why}`);
    return;
  }
  if (!(await deps.deliveries.firstComment(context.id, parse.comment.commentId))) {
    context.log.info({ delivery: context.id }, "comment seen before: its commands are not run again");
    return;
  }
  deps.observeOctokit(context.octokit as Octokit);
  deps.deliveries.inBackground(
    context.log,
    deps.handle(context.octokit as Octokit, installationId, parse.comment),
  );
}
