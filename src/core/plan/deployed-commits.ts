import { shaFromTag } from "../../config/index.js";
import { fullName, onGitHub } from "./build.js";
import { deployedImages, type Deployed } from "./deployed.js";
import type { Wanted } from "./wanted.js";
import { isFullSha } from "./full-sha.js";

/** A file as it was last read (its text may be older than the head the batch will plan on). */
export interface KnownFile {
  readonly path: string;
  readonly text: string;
}

/**
 * The commits (full SHA, in the builds' own source repositories) that `files` deploy for the wanted
 * images, read back through each build's tag template: the ordering guard will compare each build with
 * them. Only builds ordered by ancestry, of GitHub sources, with a full SHA; a tag the template did not
 * make, or that carries an abbreviated SHA, names none. Each file is parsed at most once, for every image
 * of the batch. At most `limit` commits, the builds' order first; none twice.
 */
export function deployedCommits(
  wanted: readonly Wanted[],
  files: readonly KnownFile[],
  limit: number,
): { repo: string; sha: string }[] {
  const guarded = wanted.filter(
    (one) =>
      (one.order ?? "ancestry") === "ancestry" &&
      onGitHub(one.build.repository) &&
      one.build.sha !== undefined &&
      isFullSha(one.build.sha.toLowerCase()),
  );
  if (guarded.length === 0 || limit <= 0) return [];
  const images = [...new Set(guarded.map((one) => one.image))];
  // Parsed when first needed: the limit may be reached before the last file.
  const parsed: Array<Map<string, Deployed>> = [];
  const tagsOf = (index: number, file: KnownFile) =>
    (parsed[index] ??= deployedImages(file.path, file.text, images));
  const found = new Map<string, { repo: string; sha: string }>();
  for (const one of guarded) {
    const repo = fullName(one.build.repository).toLowerCase();
    for (const [index, file] of files.entries()) {
      const tag = tagsOf(index, file).get(one.image)?.tag;
      const sha = tag === undefined ? undefined : shaFromTag(one.tagTemplate, tag)?.toLowerCase();
      if (sha === undefined || !isFullSha(sha) || sha === one.build.sha?.toLowerCase()) continue;
      found.set(`${repo}:${sha}`, { repo, sha });
      if (found.size >= limit) return [...found.values()];
    }
  }
  return [...found.values()];
}
