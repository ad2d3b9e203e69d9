import type { Octokit, RepoId } from "../../adapters/github/octokit.js";
import type { CommentEvent } from "../../handlers/comment-from-payload.js";
import type { Pacer } from "../pacer.js";

/**
 * Reactions and replies on the comment, paced as the content-creating requests they are, in the
 * pacer's lane for replies (never in the slots deploys need). An outsider gets no reactions and at most
 * one reply.
 */
export class Voice {
  private replies = 0;

  constructor(
    private readonly octokit: Octokit,
    private readonly pacer: Pacer,
    private readonly repo: RepoId,
    private readonly comment: CommentEvent,
    private readonly to: "member" | "outsider",
  ) {}

  async react(content: "eyes" | "rocket" | "confused"): Promise<void> {
    if (this.to === "outsider") return;
    await this.pacer.take("reply");
    await this.octokit.rest.reactions.createForIssueComment({
      owner: this.repo.owner,
      repo: this.repo.name,
      comment_id: this.comment.commentId,
      content,
    });
  }

  async reply(body: string): Promise<void> {
    if (this.to === "outsider" && this.replies > 0) return;
    this.replies += 1;
    await this.pacer.take("reply");
    await this.octokit.rest.issues.createComment({
      owner: this.repo.owner,
      repo: this.repo.name,
      issue_number: this.comment.issueNumber,
      body,
    });
  }
}
