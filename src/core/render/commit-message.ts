import { fullName } from "../plan/build.js";
import type { FileUpdate } from "../plan/outcome.js";
import { shortSha } from "./short-sha.js";

export interface CommitMessage {
  readonly headline: string;
  readonly body: string;
}

function imageLabel(image: string): string {
  return image.slice(image.lastIndexOf("/") + 1);
}

/**
 * The commit message of a batch, rendered from what it writes: a headline, one line per file, and
 * trailers naming each source repository and commit (`git interpret-trailers` reads them).
 */
export function commitMessage(updates: readonly FileUpdate[]): CommitMessage {
  const environments = [...new Set(updates.map((update) => update.environment))];
  const images = [...new Set(updates.map((update) => update.wanted.image))];
  const first = updates[0];
  const headline =
    images.length === 1 && first
      ? `deploy ${imageLabel(first.wanted.image)} ${first.wanted.tag.length > 20 ? shortSha(first.wanted.build.sha) : first.wanted.tag} to ${environments.join(", ")}`
      : `deploy ${images.length} images to ${environments.join(", ")}`;
  const lines = updates.map(
    (update) =>
      `- ${update.environment}: ${update.wanted.image} ${update.fromTag ?? "(no tag)"} -> ${update.wanted.tag}${update.wanted.digest ? `@${update.wanted.digest}` : ""} in ${update.path}`,
  );
  const sources = new Map<string, string>();
  for (const update of updates) {
    const sha = update.wanted.build.sha;
    if (sha !== undefined) sources.set(`${fullName(update.wanted.build.repository)}@${sha}`, sha);
  }
  const trailers = [...sources.keys()].flatMap((source) => {
    const [repository, sha] = source.split("@") as [string, string];
    return [`Source-Repository: ${repository}`, `Source-Commit: ${sha}`];
  });
  return { headline, body: `${lines.join("\n")}\n\n${trailers.join("\n")}` };
}
