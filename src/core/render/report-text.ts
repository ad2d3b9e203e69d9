import type { Landing } from "../plan/landing.js";
import type { Outcome } from "../plan/outcome.js";
import { clipLine, GITHUB_LIMITS } from "./fit-github.js";
import { writtenStatus } from "../feedback/deployment-steps.js";
import { skipText } from "./skip-text.js";
import { PLAIN_TEXT } from "./markdown.js";

/** GitHub refuses a commit status or deployment status description over 140 characters. */
export const DESCRIPTION_LIMIT = GITHUB_LIMITS.statusDescription;

/** A status or deployment description within GitHub's 140 characters (code points). */
export function clip(text: string): string {
  return clipLine(text, DESCRIPTION_LIMIT);
}

export interface StatusText {
  readonly state: "pending" | "error";
  readonly description: string;
}

/**
 * The commit status of one (build, environment) when a batch is done, saying only what is true now:
 * `pending` while the tag waits in a pull request, on the branch for Argo CD, or behind a hold or freeze
 * (`success` and `failure` come from what Argo CD observes, `core/feedback/deployment-steps.ts`).
 */
export function commitStatusText(
  outcome: Outcome,
  landing: Landing | undefined,
  manifests: string,
  skippedFiles: number,
): StatusText {
  if (outcome.kind === "skipped")
    return {
      state: outcome.skip.reason === "frozen" || outcome.skip.reason === "held" ? "pending" : "error",
      description: clip(`${outcome.environment}: ${skipText(outcome.skip, PLAIN_TEXT)}`),
    };
  const also =
    skippedFiles > 0
      ? `; ${skippedFiles} file${skippedFiles === 1 ? "" : "s"} not written (see the app's log)`
      : "";
  return { state: "pending", description: clip(`${writtenStatus(landing, manifests).description}${also}`) };
}
