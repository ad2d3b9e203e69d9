import { environmentsForPath, type Config } from "../../config/index.js";
import { listTree } from "../../adapters/github/list-tree.js";
import { readBlobs, readBlobTexts } from "../../adapters/github/read-blobs.js";
import type { Snapshot } from "../../adapters/github/read-snapshot.js";
import type { BatchFile } from "../../core/plan/plan-batch.js";
import type { Wanted } from "../../core/plan/wanted.js";
import type { IndexReader, ManifestIndex } from "../manifest-index.js";
import type { Batch } from "./batch.js";

/** What a batch plans with, and what a first pass left unread (see `ManifestIndex.filesFor`). */
export interface BatchFiles {
  readonly files: BatchFile[];
  readonly unread: UnreadFiles | undefined;
}

/** The files a first pass did not read, for the index's completion after the batch's write. */
export interface UnreadFiles {
  /** Every file under the environments' paths of the tree planned on (path -> oid). */
  readonly candidates: ReadonlyMap<string, string>;
  /** The paths the batch planned with, per image: a file found later beyond them needs the build. */
  readonly planned: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The index's view of the batch's repository through GitHub. */
export function indexReader({ octokit, repo }: Pick<Batch, "octokit" | "repo">): IndexReader {
  return {
    listTree: (treeOid: string) => listTree(octokit, repo, treeOid),
    readBlobs: (oids: readonly string[]) => readBlobTexts(octokit, repo, oids),
  };
}

/**
 * The texts of every file that refers to a wanted image, in the environments' paths, at the snapshot's
 * head. With `firstPass`, possibly only those whose path names the image, the rest in `unread`.
 */
export async function batchFiles(
  index: ManifestIndex,
  batch: Batch,
  snapshot: Snapshot,
  config: Config,
  wanted: readonly Wanted[],
  firstPass: boolean,
): Promise<BatchFiles> {
  const { octokit, repo, key } = batch;
  const images = [...new Set(wanted.map((entry) => entry.image))];
  const { byImage, unread } = await index.filesFor(
    key,
    snapshot.treeOid,
    indexReader(batch),
    images,
    (path) => environmentsForPath(config, path).length > 0,
    snapshot.files,
    { firstPass },
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
  const planned = [...files].flatMap(([path, { oid, images: fileImages }]) => {
    const text = texts.get(oid);
    return text === undefined ? [] : [{ path, text, images: fileImages }];
  });
  return {
    files: planned,
    unread: unread && {
      candidates: unread,
      planned: new Map(
        [...byImage].map(([image, list]) => [image, new Set(list.map((file) => file.path))] as const),
      ),
    },
  };
}
