import { listImages, MAX_MANIFEST_BYTES, sameImageName, type FileRefusal } from "../core/index.js";
import type { TreeBlob } from "../adapters/github/list-tree.js";
import type { BlobTexts } from "../adapters/github/read-blobs.js";
import { Lru } from "./lru.js";
import { gitBlobOid } from "./git-blob-oid.js";

/** What the index needs from GitHub: a tree listing (with sizes) and blob texts by oid (within the limit). */
export interface IndexReader {
  listTree(treeOid: string): Promise<TreeBlob[]>;
  readBlobs(oids: readonly string[]): Promise<BlobTexts>;
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
  /** Refused unread or unparsed (too large, too many aliases): never parsed again for this blob. */
  readonly refusal?: FileRefusal;
}

/** A file of the tree the index refused, with why. */
export interface RefusedFile {
  readonly path: string;
  readonly oid: string;
  readonly refusal: FileRefusal;
}

/** Characters of blob texts the index keeps for planning (the texts of files that name images). */
const TEXT_BUDGET = 16_000_000;

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
  /**
   * Blob oid -> text, for the files that reference images: bounded by characters, not only entries,
   * since a file may be as large as `MAX_MANIFEST_BYTES`.
   */
  private readonly blobTexts = new Lru<string, string>(TEXT_BUDGET, (text) => Math.max(1, text.length));

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
      const { texts, tooLarge } = await reader.readBlobs([...unknown.keys()]);
      for (const [oid, path] of unknown) {
        const bytes = tooLarge.get(oid);
        if (bytes === undefined) this.learn(oid, texts.get(oid) ?? "", path);
        else this.refuseLarge(oid, bytes);
      }
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

  /**
   * The files of the last tree listed for the repository, among the paths `wanted` accepts, that were
   * refused: over the size limit (never read) or with aliases that expand too far (never walked).
   */
  refused(repoKey: string, wanted: (path: string) => boolean): RefusedFile[] {
    const tree = this.trees.get(repoKey);
    if (!tree) return [];
    const result: RefusedFile[] = [];
    for (const [path, oid] of tree.files) {
      const refusal = this.blobImages.get(oid)?.refusal;
      if (refusal && wanted(path)) result.push({ path, oid, refusal });
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

  /**
   * Whether a file of the last tree listed for the repository, among the paths `wanted` accepts,
   * references `image`; undefined when the index cannot tell (no tree known: nothing listed yet, or
   * forgotten after a push by someone else; or a file there not read): for answers that must not guess.
   */
  references(repoKey: string, image: string, wanted: (path: string) => boolean): boolean | undefined {
    const tree = this.trees.get(repoKey);
    if (!tree) return undefined;
    let unread = false;
    for (const [path, oid] of tree.files) {
      if (!wanted(path)) continue;
      const info = this.blobImages.get(oid);
      if (refersTo(info, image)) return true;
      // A file not read (yet, or no longer cached) could reference it: the index cannot tell.
      if (info === undefined) unread = true;
    }
    return unread ? undefined : false;
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
    const blobs = (await reader.listTree(treeOid)).filter((blob) => isManifestPath(blob.path));
    // The listing gives sizes: a file over the limit is refused before any text is read.
    for (const blob of blobs)
      if (blob.size !== undefined && blob.size > MAX_MANIFEST_BYTES) this.refuseLarge(blob.oid, blob.size);
    const files = new Map(blobs.map((blob) => [blob.path, blob.oid]));
    this.trees.set(repoKey, { treeOid, files });
    return files;
  }

  private refuseLarge(oid: string, bytes: number): void {
    if (this.blobImages.get(oid)?.refusal) return;
    this.blobImages.set(oid, {
      images: [],
      refusal: { reason: "file-too-large", bytes, limit: MAX_MANIFEST_BYTES },
    });
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
    } else if (listed.refusal?.reason === "file-too-large") {
      // Never kept: its text is not screened either.
      this.blobImages.set(oid, { images: [], refusal: listed.refusal });
    } else {
      // Not YAML (or no known format, or an alias bomb): kept as text so that a file naming the image is
      // reported (as a skip with its reason), not ignored.
      const refusal = listed.refusal ? { refusal: listed.refusal } : {};
      this.blobImages.set(oid, { images: [], brokenText: text, ...refusal });
      this.blobTexts.set(oid, text);
    }
  }
}
