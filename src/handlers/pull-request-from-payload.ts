import { z } from "zod";
import {
  firstIssue,
  pullRequestAt,
  pullRequestEventSchema,
  shaSchema,
  type PullRequestAt,
} from "./payload-schemas.js";

/** The fields of a `pull_request` webhook the configuration check reads. */
const pullRequestPayloadSchema = pullRequestEventSchema.extend({
  action: z.string(),
  pull_request: z.object({
    head: z.object({ sha: shaSchema, ref: z.string() }),
    base: z.object({ sha: shaSchema }),
  }),
  sender: z.object({ login: z.string().min(1), type: z.string() }),
});

/** A pull request whose head may change the configuration: opened, pushed to or reopened. */
export interface PullRequestHead extends PullRequestAt {
  readonly headSha: string;
  /** The base branch's commit the webhook names (a quick way to see that a file did not change). */
  readonly baseSha: string;
}

export type PullRequestParse =
  | { readonly ok: true; readonly pull: PullRequestHead }
  | { readonly ok: false; readonly ignored: string }
  | { readonly ok: false; readonly invalid: string };

const ACTIONS = new Set(["opened", "synchronize", "reopened"]);

/**
 * A pull request to check, from any branch or fork (the check only reads, and nothing deploys from a
 * pull request). The app's own deploy branches, moved by the app, are skipped: it writes no config.
 */
export function pullRequestFromPayload(payload: unknown): PullRequestParse {
  const parsed = pullRequestPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, invalid: firstIssue(parsed.error) };
  const { action, pull_request: pull, sender } = parsed.data;
  if (!ACTIONS.has(action)) return { ok: false, ignored: `pull request ${action}` };
  if (sender.type === "Bot" && pull.head.ref.startsWith("gitops-image-bot/"))
    return { ok: false, ignored: `the app's own pull request ${pull.head.ref}` };
  return {
    ok: true,
    pull: {
      ...pullRequestAt(parsed.data),
      headSha: pull.head.sha,
      baseSha: pull.base.sha,
    },
  };
}
