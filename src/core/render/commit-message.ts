import { fullName } from "../plan/build.js";
import type { FileUpdate } from "../plan/outcome.js";
import type { StateEdit } from "../../state/state-file.js";
import { shortSha } from "./short-sha.js";
import { webUrl } from "../alerts/alert-edits.js";
import { MARKDOWN, PLAIN_TEXT, type TextStyle } from "./markdown.js";

/** The changes a commit message lists one per line; a bigger batch lists these and counts the rest. */
export const COMMIT_MESSAGE_LINES = 100;

export interface CommitMessage {
  readonly headline: string;
  readonly body: string;
}

function imageLabel(image: string): string {
  return image.slice(image.lastIndexOf("/") + 1);
}

/**
 * One line per hold or freeze a command placed or lifted: Markdown for a reply, `PLAIN_TEXT` for a
 * commit message (which GitHub does not render, but scans for mentions). The reason is the person's.
 */
export function stateEditText(edit: StateEdit, style: TextStyle = MARKDOWN): string {
  const why = (reason: string | undefined) => (reason ? `: ${style.plain(reason)}` : "");
  switch (edit.kind) {
    case "freeze":
      return `freeze ${edit.environment}${edit.freeze.until ? ` until ${edit.freeze.until}` : ""} (by ${style.person(edit.freeze.by)}${why(edit.freeze.reason)})`;
    case "alert-firing":
      // The summary is the alert's (untrusted text); the link only an http(s) URL, as it is.
      return `freeze ${edit.environment} while alert ${style.code(edit.freeze.alert)} fires (by Alertmanager${why(edit.freeze.reason)}${webUrl(edit.freeze.url) ? ` ${webUrl(edit.freeze.url)}` : ""})`;
    case "alert-resolved":
      return `unfreeze ${edit.environment}: alert ${style.code(edit.alert)} resolved${edit.reason ? ` (${style.plain(edit.reason)})` : ""}`;
    case "unfreeze":
      return `unfreeze ${edit.environment}`;
    case "hold":
      return `hold ${imageLabel(edit.image)} at ${style.code(edit.hold.tag)} in ${edit.environment} (by ${style.person(edit.hold.by)}${why(edit.hold.reason)})`;
    case "release":
      return `lift the hold${edit.image === undefined ? "s" : ` on ${imageLabel(edit.image)}`} in ${edit.environment}`;
  }
}

/**
 * The commit message of a batch, rendered from what it writes: a headline, one line per file and per
 * hold or freeze (the first 100, then how many more: a message stays readable in `git log`), and
 * trailers naming each source repository and commit (`git interpret-trailers` reads them).
 */
export function commitMessage(
  updates: readonly FileUpdate[],
  edits: readonly StateEdit[] = [],
): CommitMessage {
  const environments = [...new Set(updates.map((update) => update.environment))];
  const images = [...new Set(updates.map((update) => update.wanted.image))];
  const first = updates[0];
  const headline =
    updates.length === 0 && edits.length > 0
      ? edits
          .map((edit) => stateEditText(edit, PLAIN_TEXT))
          .join("; ")
          .replace(/ \(by .*?\)/g, "")
      : images.length === 1 && first
        ? `deploy ${imageLabel(first.wanted.image)} ${first.wanted.tag.length > 20 ? shortSha(first.wanted.build.sha) : first.wanted.tag} to ${environments.join(", ")}`
        : `deploy ${images.length} images to ${environments.join(", ")}`;
  const all = [
    ...updates.map(
      (update) =>
        `- ${update.environment}: ${update.wanted.image} ${update.fromTag ?? "(no tag)"} -> ${update.wanted.tag}${update.wanted.digest ? `@${update.wanted.digest}` : ""} in ${update.path}`,
    ),
    ...edits.map((edit) => `- ${stateEditText(edit, PLAIN_TEXT)}`),
  ];
  const lines =
    all.length <= COMMIT_MESSAGE_LINES
      ? all
      : [
          ...all.slice(0, COMMIT_MESSAGE_LINES),
          `- … and ${all.length - COMMIT_MESSAGE_LINES} more changes (see the diff)`,
        ];
  const sources = new Map<string, string>();
  for (const update of updates) {
    const sha = update.wanted.build.sha;
    if (sha !== undefined) sources.set(`${fullName(update.wanted.build.repository)}@${sha}`, sha);
  }
  const trailers = [...sources.keys()].flatMap((source) => {
    const [repository, sha] = source.split("@") as [string, string];
    return [`Source-Repository: ${repository}`, `Source-Commit: ${sha}`];
  });
  return {
    headline,
    body: trailers.length > 0 ? `${lines.join("\n")}\n\n${trailers.join("\n")}` : lines.join("\n"),
  };
}
