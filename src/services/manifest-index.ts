import { listImages, sameImageName } from "../core/index.js";
import type { TreeBlob } from "../adapters/github/list-tree.js";
import { Lru } from "./lru.js";
import { gitBlobOid } from "./git-blob-oid.js";

/** What the index needs from GitHub: a tree listing and blob texts by oid. */
export interface IndexReader {
  listTree(treeOid: string): Promise<TreeBlob[]>;
  readBlobs(oids: readonly string[]): Promise<Map<string, string>>;
}

/** A YAML file the rewriter may edit. */
export function isManifestPath(path: string): boolean {
  return /\.ya?ml$/i.test(path) || /(^|\/)Kustomization$/.test(path);
}

/** Cheap screen before parsing: a file that never says "image" cannot reference one. */
function mayReferenceImages(text: string): boolean {
  return /image/i.test(text);
}

interface BlobInfo {
  readonly images: readonly string[];
  readonly brokenText?: string;
}

/** Whether a blob refers to the image; a file that does not parse counts when its text names it. */
function refersTo(info: BlobInfo | undefined, image: string): boolean {
  if (!info) return false;
  if (info.images.some((name) => sameImageName(name, image))) return true;
  const path = image.split("/").slice(1).join("/") || image;
  return info.brokenText !== undefined && info.brokenText.includes(path);
}

export interface IndexedFile {
  readonly path: string;
  readonly oid: string;
}

/**
 * Which files reference which images, per manifests repository, without per-service configuration:
 * the tree is listed once per tree oid, and each blob is screened and parsed once per blob oid (blobs
 * are immutable, so the cache never goes stale). After the app's own commit the new tree is derived
 * from the old one and the written texts, so the next update lists nothing.
 */
export class ManifestIndex {
  private readonly trees = new Map<string, { treeOid: string; files: Map<string, string> }>();
  /** Blob oid -> the image names it references; a file that does not parse keeps its text to screen. */
  private readonly blobImages = new Lru<string, BlobInfo>(200_000);
  /** Blob oid -> text, for the files that reference images (bounded). */
  private readonly blobTexts = new Lru<string, string>(20_000);

  /** The files of the tree that reference `image` among the paths `wanted` accepts. */
  async filesFor(
    repoKey: string,
    treeOid: string,
    reader: IndexReader,
    images: readonly string[],
    wanted: (path: string) => boolean,
    known: ReadonlyMap<string, { oid: string; text: string }>,
  ): Promise<Map<string, IndexedFile[]>> {
    for (const [path, blob] of known) this.learn(blob.oid, blob.text, path);
    const files = await this.treeFiles(repoKey, treeOid, reader);
    const candidates = [...files].filter(([path]) => wanted(path));
    const unknown = new Map(
      candidates.filter(([, oid]) => !this.blobImages.has(oid)).map(([path, oid]) => [oid, path]),
    );
    if (unknown.size > 0) {
      const texts = await reader.readBlobs([...unknown.keys()]);
      for (const [oid, path] of unknown) this.learn(oid, texts.get(oid) ?? "", path);
    }
    const result = new Map<string, IndexedFile[]>();
    for (const image of images) {
      const matching = candidates
        .filter(([, oid]) => refersTo(this.blobImages.get(oid), image))
        .map(([path, oid]) => ({ path, oid }));
      result.set(image, matching);
    }
    return result;
  }

  /**
   * Every file of the tree among the paths `wanted` accepts that names at least one image, with the
   * names (kustomize's `newName`s included): what a reconciliation pass or `/status` looks through.
   */
  async imagesIn(
    repoKey: string,
    treeOid: string,
    reader: IndexReader,
    wanted: (path: string) => boolean,
    known: ReadonlyMap<string, { oid: string; text: string }>,
  ): Promise<{ path: string; oid: string; images: readonly string[] }[]> {
    await this.filesFor(repoKey, treeOid, reader, [], wanted, known);
    const files = await this.treeFiles(repoKey, treeOid, reader);
    const result: { path: string; oid: string; images: readonly string[] }[] = [];
    for (const [path, oid] of files) {
      const images = this.blobImages.get(oid)?.images ?? [];
      if (images.length > 0 && wanted(path)) result.push({ path, oid, images });
    }
    return result;
  }

  /** A cached text of a blob the index has read, if any. */
  text(oid: string): string | undefined {
    return this.blobTexts.get(oid);
  }

  /** Paths that referenced `image` in the last tree seen for the repository: worth reading with the head. */
  likelyPaths(repoKey: string, images: readonly string[]): string[] {
    const tree = this.trees.get(repoKey);
    if (!tree) return [];
    const paths: string[] = [];
    for (const [path, oid] of tree.files) {
      const info = this.blobImages.get(oid);
      if (images.some((image) => refersTo(info, image))) paths.push(path);
    }
    return paths;
  }

  /** After the app's own commit: the new tree is the old one with these texts written. */
  committed(
    repoKey: string,
    fromTreeOid: string,
    toTreeOid: string,
    writes: readonly { path: string; text: string }[],
  ): void {
    const tree = this.trees.get(repoKey);
    if (!tree || tree.treeOid !== fromTreeOid) return;
    const files = new Map(tree.files);
    for (const write of writes) {
      const oid = gitBlobOid(write.text);
      files.set(write.path, oid);
      this.learn(oid, write.text, write.path);
    }
    this.trees.set(repoKey, { treeOid: toTreeOid, files });
  }

  forget(repoKey: string): void {
    this.trees.delete(repoKey);
  }

  private async treeFiles(
    repoKey: string,
    treeOid: string,
    reader: IndexReader,
  ): Promise<Map<string, string>> {
    const cached = this.trees.get(repoKey);
    if (cached?.treeOid === treeOid) return cached.files;
    const blobs = await reader.listTree(treeOid);
    const files = new Map(
      blobs.filter((blob) => isManifestPath(blob.path)).map((blob) => [blob.path, blob.oid]),
    );
    this.trees.set(repoKey, { treeOid, files });
    return files;
  }

  private learn(oid: string, text: string, path: string): void {
    if (this.blobImages.has(oid)) return;
    if (!mayReferenceImages(text)) {
      this.blobImages.set(oid, { images: [] });
      return;
    }
    const listed = listImages({ path, text });
    if (listed.ok) {
      this.blobImages.set(oid, { images: [...listed.images, ...listed.aliases] });
      if (listed.images.length > 0) this.blobTexts.set(oid, text);
    } else {
      // Not YAML (or no known format): kept as text so that a file naming the image is reported, not ignored.
      this.blobImages.set(oid, { images: [], brokenText: text });
      this.blobTexts.set(oid, text);
    }
  }
}
