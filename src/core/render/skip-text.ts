import type { PlanSkip } from "../plan/skip.js";
import { shortSha } from "./short-sha.js";
import { MARKDOWN, type TextStyle } from "./markdown.js";
import { refusalText } from "../rewrite/file-limits.js";

/**
 * One sentence per skip reason: as Markdown for replies and bodies, or `PLAIN_TEXT` for statuses and
 * logs. Branches, reasons, logins and messages come from people and files, so they go through `style`.
 */
export function skipText(skip: PlanSkip, style: TextStyle = MARKDOWN): string {
  switch (skip.reason) {
    case "older-than-deployed":
      return `not deployed: older than the deployed ${shortSha(skip.deployedSha)}`;
    case "older-by-order":
      return `not deployed: ${style.code(skip.candidate)} is not newer than the deployed ${style.code(skip.deployed)} (order: ${skip.order})`;
    case "diverged-from-deployed":
      return `not deployed: does not descend from the deployed ${shortSha(skip.deployedSha)}`;
    case "already-deployed":
      return "already deployed";
    case "superseded":
      return `not deployed: superseded by ${shortSha(skip.by)}`;
    case "branch-not-allowed":
      return `not deployed: branch ${skip.branch === undefined ? "(unknown)" : style.code(skip.branch)} may not deploy to this environment`;
    case "unparsable-file":
      return `not deployed: the manifests file does not parse (line ${skip.line}): ${style.plain(skip.message)}`;
    case "frozen":
      return `pending: the environment is frozen by ${style.person(skip.by)}${skip.until ? ` until ${style.plain(skip.until)}` : ""}${skip.why ? ` (${style.plain(skip.why)})` : ""}`;
    case "held":
      return `pending: held at ${style.code(shortSha(skip.tag))} by ${style.person(skip.by)}${skip.why ? ` (${style.plain(skip.why)})` : ""} until the hold is lifted`;
    case "file-too-large":
      return `not deployed: ${refusalText(skip)}`;
    case "too-many-aliases":
      return `not deployed: ${refusalText(skip)} (line ${skip.line})`;
    case "not-written":
      return `not deployed: ${style.plain(skip.message)}${skip.line === undefined ? "" : ` (line ${skip.line})`}`;
  }
}
