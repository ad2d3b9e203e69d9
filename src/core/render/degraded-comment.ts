import type { DegradedReaction } from "../feedback/degraded-reaction.js";
import { fitText, GITHUB_LIMITS } from "./fit-github.js";
import { code, plain } from "./markdown.js";

export interface DegradedCommentInput {
  readonly reaction: Exclude<DegradedReaction, { kind: "none" }>;
  readonly environment: string;
  /** The service's name in commands (its source repository's name). */
  readonly service: string;
  /** The manifests repository, `owner/name`. */
  readonly manifests: string;
  /** Argo CD's application (untrusted: used only when it is an http(s) URL). */
  readonly argoUrl: string | undefined;
  /** Where the hold (and the rollback) landed; undefined when it could not be written. */
  readonly landing: { readonly url: string; readonly label: string } | undefined;
  /** Why it could not be written, when it could not. */
  readonly failure: string | undefined;
}

/** A link to an http(s) URL from outside, or undefined: nothing in it can end the Markdown link early. */
function safeLink(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
    return parsed.href.replace(/[()<>\s]/g, (char) => `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
  } catch {
    return undefined;
  }
}

/**
 * The comment on a Degraded build's source commit when `onDegraded` acted: what went wrong (Argo CD's
 * words, as escaped plain text), what the app did, and how to resume automatic deploys.
 */
export function degradedComment(input: DegradedCommentInput): string {
  const { reaction, environment, service, manifests } = input;
  const link = safeLink(input.argoUrl);
  const argo = link ? ` ([Argo CD](${link}))` : "";
  const bad = reaction.kind === "rollback" ? reaction.from : reaction.tag;
  const lines = [
    reaction.kind === "rollback"
      ? `**gitops-image-bot rolled back ${code(service)} in ${code(environment)}.**`
      : `**gitops-image-bot held ${code(service)} in ${code(environment)}.**`,
    "",
    `${code(bad)} went wrong in ${code(environment)}${argo}: ${plain(reaction.reason)}`,
    "",
  ];
  const where = input.landing ? ` in [${plain(input.landing.label)}](${input.landing.url})` : "";
  if (input.failure !== undefined)
    lines.push(`The app could not write the hold to ${plain(manifests)}: ${plain(input.failure)}`);
  else if (reaction.kind === "rollback")
    lines.push(
      `${code(reaction.to)}, the last tag that was Healthy in ${code(environment)}, is deployed again and held${where}: new builds of ${code(service)} are not deployed to ${code(environment)} until the hold is lifted.`,
    );
  else
    lines.push(
      `${code(bad)} stays and is held${where}: new builds of ${code(service)} are not deployed to ${code(environment)} until the hold is lifted.${
        reaction.noHealthyTag
          ? ` No other tag was seen Healthy in ${code(environment)}, so nothing was rolled back.`
          : ""
      }`,
    );
  lines.push(
    "",
    `To resume, comment ${code(`/resume ${environment} ${service}`)} on an issue or pull request of ${plain(manifests)}, or delete the hold from ${code(".github/gitops-image-bot-state.yml")}.`,
  );
  return fitText(lines.join("\n"), GITHUB_LIMITS.comment);
}
