import { environmentsForPath, type Config } from "../../config/index.js";
import { listTree } from "../../adapters/github/list-tree.js";
import { readBlobs, readBlobTexts } from "../../adapters/github/read-blobs.js";
import type { Snapshot } from "../../adapters/github/read-snapshot.js";
import type { BatchFile } from "../../core/plan/plan-batch.js";
import type { Wanted } from "../../core/plan/wanted.js";
import type { ManifestIndex } from "../manifest-index.js";
import type { Batch } from "./batch.js";

/** The texts of every file that refers to a wanted image, in the environments' paths, at the snapshot's head. */
export async function batchFiles(
  index: ManifestIndex,
  { octokit, repo, key }: Batch,
  snapshot: Snapshot,
  config: Config,
  wanted: readonly Wanted[],
): Promise<BatchFile[]> {
  const images = [...new Set(wanted.map((entry) => entry.image))];
  const reader = {
    listTree: (treeOid: string) => listTree(octokit, repo, treeOid),
    readBlobs: (oids: readonly string[]) => readBlobTexts(octokit, repo, oids),
  };
  const byImage = await index.filesFor(
    key,
    snapshot.treeOid,
    reader,
    images,
    (path) => environmentsForPath(config, path).length > 0,
    snapshot.files,
  );
  const files = new Map<string, { oid: string; images: string[] }>();
  for (const [image, list] of byImage)
    for (const file of list) {
      const entry = files.get(file.path) ?? { oid: file.oid, images: [] };
      entry.images.push(image);
      files.set(file.path, entry);
    }
  const texts = new Map<string, string>();
  const missing: string[] = [];
  for (const [path, { oid }] of files) {
    const known = snapshot.files.get(path);
    const text = known?.oid === oid ? known.text : index.text(oid);
    if (text === undefined) missing.push(oid);
    else texts.set(oid, text);
  }
  if (missing.length > 0)
    for (const [oid, text] of await readBlobs(octokit, repo, missing)) texts.set(oid, text);
  return [...files].flatMap(([path, { oid, images: fileImages }]) => {
    const text = texts.get(oid);
    return text === undefined ? [] : [{ path, text, images: fileImages }];
  });
}
