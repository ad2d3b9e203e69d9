import { sourceName } from "../plan/build.js";
import type { PullRequestChange } from "../plan/plan-batch.js";
import { shortSha } from "./short-sha.js";
import { clipLine, GITHUB_LIMITS, takeLines, textSize } from "./fit-github.js";
import { cell, code } from "./markdown.js";
import { commitMessage, commitTrailers } from "./commit-message.js";
import { gateLine, type GateRule } from "../feedback/gate.js";

/** The head branch of the living pull request of one (environment, image): stable across builds. */
export function pullRequestBranch(environment: string, image: string): string {
  return `gitops-image-bot/${environment}/${image.replace(/[^A-Za-z0-9._-]+/g, "-")}`;
}

function label(image: string): string {
  return image.slice(image.lastIndexOf("/") + 1);
}

function tagText(tag: string, sha: string | undefined): string {
  return tag.length > 20 ? shortSha(sha ?? tag) : tag;
}

/**
 * Title and body of a living pull request, rendered from its change: what, from which build to which,
 * links. Within GitHub's limits: a title of at most 256 characters, and a body whose table of files lists
 * as many as fit and counts the rest. A gated environment's pull request says what it waits for.
 */
export function pullRequestText(change: PullRequestChange, gate?: GateRule): { title: string; body: string } {
  const { wanted } = change;
  const repo = wanted.build.repository;
  const title = clipLine(
    `deploy ${label(wanted.image)} ${tagText(wanted.tag, wanted.build.sha)} to ${change.environment}`,
    GITHUB_LIMITS.title,
  );
  const rows = change.updates.map((update) => {
    const compare =
      update.fromSha && wanted.build.sha
        ? ` ([changes](${repo.htmlUrl}/compare/${update.fromSha}...${wanted.build.sha}))`
        : "";
    const cells = [code(update.path, 500), code(update.fromTag ?? "(none)"), `${code(wanted.tag)}${compare}`];
    return `| ${cells.map(cell).join(" | ")} |`;
  });
  const source = wanted.build.sha
    ? `[${sourceName(repo)}@${shortSha(wanted.build.sha)}](${repo.htmlUrl}/commit/${wanted.build.sha})`
    : sourceName(repo);
  const text = (files: readonly string[], omitted: number) =>
    [
      `Deploys ${code(`${wanted.image}:${wanted.tag}`, 500)}${wanted.digest ? ` (${code(wanted.digest)})` : ""} to **${change.environment}**, built from ${source}${wanted.build.branch ? ` on ${code(wanted.build.branch, 500)}` : ""}.`,
      "",
      "| file | from | to |",
      "| --- | --- | --- |",
      ...files,
      ...(omitted > 0 ? ["", `… and ${omitted} more files (see the changed files)`] : []),
      "",
      ...(wanted.build.url ? [`Build: ${wanted.build.url}`, ""] : []),
      ...(gate ? [gateLine(gate, wanted), ""] : []),
      "A newer build of this image updates this pull request; it closes itself when the change reaches the base another way.",
      "",
      // The commit's trailers, so a squash merge that takes the pull request's body keeps them.
      ...commitTrailers(change.updates),
      "",
      `<!-- gitops-image-bot: ${change.environment} ${wanted.image} -->`,
    ].join("\n");
  const whole = text(rows, 0);
  if (textSize(whole) <= GITHUB_LIMITS.issueBody) return { title, body: whole };
  const room = GITHUB_LIMITS.issueBody - textSize(text([], rows.length)) - 64;
  const { kept, omitted } = takeLines(rows, room);
  return { title, body: text(kept, omitted) };
}

/**
 * The message of the pull request's commit, and of its merge when the app merges it or enables
 * auto-merge: the title, one line per file and the commit trailers (`commitTrailers`). A merge commit
 * keeps the commit itself; a squash keeps this message when the app passes it, and by GitHub's default
 * (the commit's message, for a pull request of one commit) when a person merges.
 */
export function pullRequestCommitMessage(change: PullRequestChange): { headline: string; body: string } {
  return { headline: pullRequestText(change).title, body: commitMessage(change.updates).body };
}
