import type { PlanSkip } from "../plan/skip.js";
import { shortSha } from "./short-sha.js";
import { refusalText } from "../rewrite/file-limits.js";

/** One sentence per skip reason, for statuses, logs and pull request bodies. */
export function skipText(skip: PlanSkip): string {
  switch (skip.reason) {
    case "older-than-deployed":
      return `not deployed: older than the deployed ${shortSha(skip.deployedSha)}`;
    case "diverged-from-deployed":
      return `not deployed: does not descend from the deployed ${shortSha(skip.deployedSha)}`;
    case "already-deployed":
      return "already deployed";
    case "superseded":
      return `not deployed: superseded by ${shortSha(skip.by)}`;
    case "branch-not-allowed":
      return `not deployed: branch ${skip.branch ?? "(unknown)"} may not deploy to this environment`;
    case "unparsable-file":
      return `not deployed: the manifests file does not parse (line ${skip.line}): ${skip.message}`;
    case "frozen":
      return `pending: the environment is frozen by @${skip.by}${skip.until ? ` until ${skip.until}` : ""}${skip.why ? ` (${skip.why})` : ""}`;
    case "held":
      return `pending: held at ${shortSha(skip.tag)} by @${skip.by}${skip.why ? ` (${skip.why})` : ""} until the hold is lifted`;
    case "file-too-large":
      return `not deployed: ${refusalText(skip)}`;
    case "too-many-aliases":
      return `not deployed: ${refusalText(skip)} (line ${skip.line})`;
    case "not-written":
      return `not deployed: ${skip.message}${skip.line === undefined ? "" : ` (line ${skip.line})`}`;
  }
}
