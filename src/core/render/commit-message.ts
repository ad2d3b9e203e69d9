import { fullName, sourceName } from "../plan/build.js";
import type { FileUpdate } from "../plan/outcome.js";
import type { StateEdit } from "../../state/state-file.js";
import { shortSha } from "./short-sha.js";
import { webUrl } from "../alerts/alert-edits.js";
import { MARKDOWN, PLAIN_TEXT, type TextStyle } from "./markdown.js";
import {
  deploysTrailer,
  failedTrailer,
  isFailureReason,
  rollbackTrailer,
  sourceTrailers,
  type DeployTrailer,
  type SourceTrailer,
} from "../dora/trailers.js";

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
 * trailers (`commitTrailers`) that `git interpret-trailers` and the delivery figures read.
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
  const trailers = commitTrailers(updates, edits);
  return {
    headline,
    body: trailers.length > 0 ? `${lines.join("\n")}\n\n${trailers.join("\n")}` : lines.join("\n"),
  };
}

/**
 * The trailers of a commit that writes `updates` and `edits` (see `core/dora/trailers.ts`): one
 * `Deploys` per (environment, image) written (the first 100, then `Deploys-Omitted: <n>`), a `Rollback`
 * for an update that goes back to the tag a rollback hold pins in the same commit (`/rollback`, or the
 * onDegraded rollback), a `Deploy-Failed` for each hold placed because a tag went Degraded or its sync
 * failed, and per source commit `Source-Repository`, `Source-Commit` and, when the build said when the
 * commit was made, `Source-Committed-At`.
 */
export function commitTrailers(updates: readonly FileUpdate[], edits: readonly StateEdit[] = []): string[] {
  const deploys = new Map<string, DeployTrailer>();
  for (const update of updates) {
    const key = `${update.environment}\n${update.wanted.image}`;
    if (!deploys.has(key))
      deploys.set(key, {
        environment: update.environment,
        image: update.wanted.image,
        tag: update.wanted.tag,
        repository: fullName(update.wanted.build.repository),
        host: update.wanted.build.repository.host,
        sha: update.wanted.build.sha,
      });
  }
  const listed = [...deploys.values()];
  const deployLines = listed.slice(0, COMMIT_MESSAGE_LINES).map(deploysTrailer);
  if (listed.length > COMMIT_MESSAGE_LINES)
    deployLines.push(`Deploys-Omitted: ${listed.length - COMMIT_MESSAGE_LINES}`);
  const outcomeLines: string[] = [];
  for (const edit of edits) {
    if (edit.kind !== "hold") continue;
    const rolledBack = updates.find(
      (update) =>
        update.environment === edit.environment &&
        update.wanted.image === edit.image &&
        update.wanted.tag === edit.hold.tag &&
        update.fromTag !== undefined &&
        update.fromTag !== edit.hold.tag,
    );
    const failing = isFailureReason(edit.hold.reason);
    if (failing)
      outcomeLines.push(
        failedTrailer({
          environment: edit.environment,
          image: edit.image,
          tag: rolledBack?.fromTag ?? edit.hold.tag,
        }),
      );
    if (rolledBack?.fromTag !== undefined && (failing || edit.hold.reason === "rollback"))
      outcomeLines.push(
        rollbackTrailer({
          environment: edit.environment,
          image: edit.image,
          fromTag: rolledBack.fromTag,
          toTag: edit.hold.tag,
        }),
      );
  }
  const sources = new Map<string, SourceTrailer>();
  for (const update of updates) {
    const { build } = update.wanted;
    if (build.sha === undefined) continue;
    const key = `${sourceName(build.repository)}@${build.sha}`;
    const known = sources.get(key);
    if (known === undefined || (known.committedAt === undefined && build.committedAt !== undefined))
      sources.set(key, {
        repository: fullName(build.repository),
        host: build.repository.host,
        sha: build.sha,
        committedAt: build.committedAt,
      });
  }
  return [
    ...deployLines,
    ...outcomeLines.slice(0, COMMIT_MESSAGE_LINES),
    ...[...sources.values()].flatMap(sourceTrailers),
  ];
}
