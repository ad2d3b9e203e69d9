import { z } from "zod";
import type { RestPullOwner } from "../services/app-identity.js";
import {
  firstIssue,
  pullRequestAt,
  pullRequestEventSchema,
  shaSchema,
  type PullRequestAt,
} from "./payload-schemas.js";

/** The fields of a `pull_request` `closed` webhook the deployment lifecycle reads. */
const closedPayloadSchema = pullRequestEventSchema.extend({
  action: z.literal("closed"),
  pull_request: z.object({
    merged: z.boolean().nullable().optional(),
    merge_commit_sha: shaSchema.nullable().optional(),
    html_url: z.string(),
    head: z.object({
      ref: z.string(),
      repo: z.object({ full_name: z.string() }).nullable(),
    }),
    base: z.object({ ref: z.string().min(1) }),
    user: z.object({ login: z.string(), type: z.string() }).nullable(),
  }),
});

/** A pull request of a manifests repository that closed, merged or not. */
export interface ClosedPull extends RestPullOwner, PullRequestAt {
  readonly url: string;
  /** The commit its merge made on the base branch (undefined: closed without merging). */
  readonly mergeOid: string | undefined;
  readonly base: string;
}

export type ClosedPullParse =
  | { readonly ok: true; readonly pull: ClosedPull }
  | { readonly ok: false; readonly ignored: string }
  | { readonly ok: false; readonly invalid: string };

/**
 * A closed pull request that may be one of the app's deploy pull requests (branch `gitops-image-bot/...`);
 * the caller checks it is the app's own (`isOwnRestPull`): a fork's branch may have the same name.
 */
export function closedPullFromPayload(payload: unknown): ClosedPullParse {
  const parsed = closedPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, invalid: firstIssue(parsed.error) };
  const pull = parsed.data.pull_request;
  if (!pull.head.ref.startsWith("gitops-image-bot/"))
    return { ok: false, ignored: `not a branch of the app: ${pull.head.ref}` };
  const merged = pull.merged === true && typeof pull.merge_commit_sha === "string";
  return {
    ok: true,
    pull: {
      ...pullRequestAt(parsed.data),
      url: pull.html_url,
      mergeOid: merged ? (pull.merge_commit_sha ?? undefined) : undefined,
      base: pull.base.ref,
      head: { repo: pull.head.repo },
      user: pull.user,
    },
  };
}
