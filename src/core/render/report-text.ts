import type { Landing } from "../plan/landing.js";
import { onBranch } from "../plan/landing.js";
import type { Outcome } from "../plan/outcome.js";
import { clipLine, GITHUB_LIMITS } from "./fit-github.js";
import { shortSha } from "./short-sha.js";
import { skipText } from "./skip-text.js";
import { PLAIN_TEXT } from "./markdown.js";

/** GitHub refuses a commit status or deployment status description over 140 characters. */
export const DESCRIPTION_LIMIT = GITHUB_LIMITS.statusDescription;

/** A status or deployment description within GitHub's 140 characters (code points). */
export function clip(text: string): string {
  return clipLine(text, DESCRIPTION_LIMIT);
}

export interface StatusText {
  readonly state: "success" | "pending" | "error";
  readonly description: string;
}

/**
 * The commit status of one (build, environment), saying only what is true now: `success` once the tag
 * is on the deployed branch, `pending` while it waits in a pull request or behind a hold or freeze.
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
  const tag = outcome.wanted.tag.length > 20 ? shortSha(outcome.wanted.tag) : outcome.wanted.tag;
  if (landing?.kind === "pull-request" && !landing.merged)
    return {
      state: "pending",
      description: clip(
        `${tag} proposed for ${outcome.environment} in ${manifests}${landing.label}, ${waiting(landing)}${also}`,
      ),
    };
  const merged = landing?.kind === "pull-request" ? `merged ${landing.label}` : (landing?.label ?? "");
  return {
    state: "success",
    description: clip(`${tag} written for ${outcome.environment} in ${manifests} (${merged})${also}`),
  };
}

/** The deployment status of a written change: `queued` until the tag is on the deployed branch. */
export function deploymentStatusText(
  outcome: Extract<Outcome, { kind: "written" }>,
  landing: Landing | undefined,
  manifests: string,
): { readonly state: "success" | "queued"; readonly description: string } {
  const files = outcome.updates.map((update) => update.path).join(", ");
  if (onBranch(landing))
    return { state: "success", description: clip(`tag written to ${manifests}: ${files}`) };
  return {
    state: "queued",
    description: clip(`tag proposed in ${manifests}${landing?.label ?? ""}, ${waiting(landing)}: ${files}`),
  };
}

function waiting(landing: Landing | undefined): string {
  return landing?.awaiting === "checks" ? "waiting for its checks to merge" : "waiting for review";
}
