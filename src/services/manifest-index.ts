import { listImages, MAX_MANIFEST_BYTES, sameImageName, type FileRefusal } from "../core/index.js";
import type { TreeBlob } from "../adapters/github/list-tree.js";
import type { BlobTexts } from "../adapters/github/read-blobs.js";
import { Lru } from "./lru.js";
import { gitBlobOid } from "./git-blob-oid.js";
import type { IndexStore, StoredBlob, StoredTreeFile } from "./index-store.js";

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

/** What `filesFor` found, and whether it read every file that might reference an image. */
export interface FilesFound {
  readonly byImage: Map<string, IndexedFile[]>;
  /**
   * Undefined when every file under the paths was screened; else every such file (path -> oid) of the
   * tree planned on, some unread: `complete` reads them, `matching` then says which reference the images.
   */
  readonly unread: ReadonlyMap<string, string> | undefined;
}

/** Unread files up to this many are read at once (one query): a first pass saves nothing below it. */
const READ_ALL_UP_TO = 100;

/**
 * Whether the path names one of the images: the image's last name segment (`web` of `ghcr.io/acme/web`)
 * as a whole word of the path, between `/`, `.`, `-`, `_` or its ends (`apps/web/overlays/dev/...`,
 * `values-web.yaml`). A guess for the first pass only: it may name more files, never proves all.
 */
export function pathNamesAny(path: string, images: readonly string[]): boolean {
  const lower = path.toLowerCase();
  return images.some((image) => {
    const name = image.slice(image.lastIndexOf("/") + 1).toLowerCase();
    if (name === "") return false;
    for (let at = lower.indexOf(name); at >= 0; at = lower.indexOf(name, at + 1)) {
      const before = at === 0 ? "/" : lower.charAt(at - 1);
      const after = lower.charAt(at + name.length) || "/";
      if (/[/._-]/.test(before) && /[/._-]/.test(after)) return true;
    }
    return false;
  });
}

/**
 * Which files reference which images, per manifests repository, without per-service configuration:
 * the tree is listed once per tree oid, and each blob is screened and parsed once per blob oid (blobs
 * are immutable, so the cache never goes stale). After the app's own commit the new tree is derived
 * from the old one and the written texts, so the next update lists nothing. With a `store` (the
 * fleet's Redis), listings and blobs are kept there by oid for every replica, and which tree each
 * repository had last is the fleet's (`recall` brings this replica up to it): a fresh replica reads
 * what another one listed instead of asking GitHub.
 */
export class ManifestIndex {
  private readonly trees = new Map<string, { treeOid: string; files: Map<string, string> }>();
  /**
   * Per repository, how often its tree was replaced or forgotten: a listing that began before a change
   * does not put its older tree back (a push by someone else made the index forget it).
   */
  private readonly treeChanges = new Map<string, number>();
  /** Blob oid -> the image names it references; a file that does not parse keeps its text to screen. */
  private readonly blobImages = new Lru<string, BlobInfo>(200_000);
  /**
   * Blob oid -> text, for the files that reference images: bounded by characters, not only entries,
   * since a file may be as large as `MAX_MANIFEST_BYTES`.
   */
  private readonly blobTexts = new Lru<string, string>(TEXT_BUDGET, (text) => Math.max(1, text.length));
  /** Per repository, the completion reading now: the next one waits for it (`complete`). */
  private readonly completing = new Map<string, Promise<void>>();
  /** Blobs learned here and not yet given to the store. */
  private readonly fresh = new Map<string, StoredBlob>();

  constructor(private readonly store?: IndexStore) {}

  /**
   * With a store: takes the fleet's last tree of the repository (read by another replica, or forgotten
   * after someone else's push) before the index is asked about it without a tree oid (`likelyFiles`,
   * `references`). Without a store, or when Redis does not answer, what this process knows stays.
   */
  async recall(repoKey: string): Promise<void> {
    if (!this.store) return;
    const changes = this.changesOf(repoKey);
    const hint = await this.store.hint(repoKey).catch(() => undefined);
    const local = this.trees.get(repoKey);
    if (!hint || local?.treeOid === hint.treeOid) return;
    if (hint.treeOid === undefined) {
      if (local) this.forgetHere(repoKey);
      return;
    }
    const kept = await this.store.tree(hint.treeOid).catch(() => undefined);
    if (!kept) return;
    await this.fromStore(kept.map((file) => file.oid));
    if (this.changesOf(repoKey) !== changes) return;
    this.trees.set(repoKey, { treeOid: hint.treeOid, files: this.filesOf(kept) });
  }

  /**
   * The files of the tree that reference each image among the paths `wanted` accepts. With `firstPass`
   * (the first batch after a start, or after much of the tree changed), when more files are unread than
   * one query returns, only those whose path names an image are read: `unread` then holds every
   * candidate file (path -> oid) for `complete`, since a file that does not name the image in its path
   * (Helm values, a shared kustomization) may still reference it. When that guess finds no file for
   * one of the images, everything is read after all: nothing is known to write.
   */
  async filesFor(
    repoKey: string,
    treeOid: string,
    reader: IndexReader,
    images: readonly string[],
    wanted: (path: string) => boolean,
    known: ReadonlyMap<string, { oid: string; text: string }>,
    options: { firstPass?: boolean } = {},
  ): Promise<FilesFound> {
    for (const [path, blob] of known) this.learn(blob.oid, blob.text, path);
    const files = await this.treeFiles(repoKey, treeOid, reader);
    const candidates = new Map([...files].filter(([path]) => wanted(path)));
    const unknown = this.unknownOf(candidates);
    if (options.firstPass && unknown.size > READ_ALL_UP_TO && images.length > 0) {
      const named = new Map([...unknown].filter(([, path]) => pathNamesAny(path, images)));
      await this.screen(named, reader);
      const byImage = this.matching(candidates, images);
      const guessed = [...byImage.values()].every((list) => list.length > 0);
      if (guessed && named.size < unknown.size) {
        await this.flush();
        return { byImage, unread: candidates };
      }
    }
    await this.screen(this.unknownOf(candidates), reader);
    await this.flush();
    return { byImage: this.matching(candidates, images), unread: undefined };
  }

  /**
   * Reads the files of `candidates` (path -> oid, from `filesFor`'s `unread`) not screened yet, one
   * completion per repository at a time (the next one reads what is left, usually nothing).
   */
  async complete(
    repoKey: string,
    candidates: ReadonlyMap<string, string>,
    reader: IndexReader,
  ): Promise<void> {
    const before = this.completing.get(repoKey) ?? Promise.resolve();
    const run = before
      .catch(() => undefined)
      .then(() => this.screen(this.unknownOf(candidates), reader))
      .then(() => this.flush());
    this.completing.set(repoKey, run);
    try {
      await run;
    } finally {
      if (this.completing.get(repoKey) === run) this.completing.delete(repoKey);
    }
  }

  /** The files of `candidates` (path -> oid) known to reference each image. */
  matching(candidates: ReadonlyMap<string, string>, images: readonly string[]): Map<string, IndexedFile[]> {
    const result = new Map<string, IndexedFile[]>();
    for (const image of images) {
      const found: IndexedFile[] = [];
      for (const [path, oid] of candidates)
        if (refersTo(this.blobImages.get(oid), image)) found.push({ path, oid });
      result.set(image, found);
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
   * The files of the last tree seen for the repository that referenced one of `images`, with the texts
   * the index kept of them (a file whose text is no longer kept is left out): what they deployed when
   * last read, for guesses only (the head may have moved since).
   */
  likelyFiles(repoKey: string, images: readonly string[]): { path: string; text: string }[] {
    const files: { path: string; text: string }[] = [];
    for (const path of this.likelyPaths(repoKey, images)) {
      const oid = this.trees.get(repoKey)?.files.get(path);
      const text = oid === undefined ? undefined : this.blobTexts.get(oid);
      if (text !== undefined) files.push({ path, text });
    }
    return files;
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

  /**
   * After the app's own commit: the new tree is the old one with these texts written (with a store,
   * for every replica; the commit has landed, so a store that does not answer is left behind).
   */
  async committed(
    repoKey: string,
    fromTreeOid: string,
    toTreeOid: string,
    writes: readonly { path: string; text: string }[],
  ): Promise<void> {
    const tree = this.trees.get(repoKey);
    if (tree?.treeOid === fromTreeOid) {
      const files = new Map(tree.files);
      for (const write of writes) {
        const oid = gitBlobOid(write.text);
        files.set(write.path, oid);
        this.learn(oid, write.text, write.path);
      }
      this.trees.set(repoKey, { treeOid: toTreeOid, files });
      this.treeChanged(repoKey);
      const listing = [...files].map(([path, oid]) => ({ path, oid }));
      await this.store?.putTree(toTreeOid, listing).catch(() => undefined);
      await this.flush();
    }
    // The fleet's epoch moves whatever this replica knew: a listing begun elsewhere does not win.
    await this.store?.committed(repoKey, fromTreeOid, toTreeOid).catch(() => undefined);
  }

  /**
   * Someone else pushed: the repository's tree is not known any more (with a store, for every replica;
   * a store that does not answer fails this, so the push's webhook is answered with an error and sent again).
   */
  async forget(repoKey: string): Promise<void> {
    this.forgetHere(repoKey);
    await this.store?.forget(repoKey);
  }

  private forgetHere(repoKey: string): void {
    this.trees.delete(repoKey);
    this.treeChanged(repoKey);
  }

  private changesOf(repoKey: string): number {
    return this.treeChanges.get(repoKey) ?? 0;
  }

  private treeChanged(repoKey: string): void {
    this.treeChanges.set(repoKey, this.changesOf(repoKey) + 1);
  }

  /** The files of `candidates` not screened yet, by oid (one path each, for the format's detection). */
  private unknownOf(candidates: ReadonlyMap<string, string>): Map<string, string> {
    const unknown = new Map<string, string>();
    for (const [path, oid] of candidates) if (!this.blobImages.has(oid)) unknown.set(oid, path);
    return unknown;
  }

  /** Reads and screens blobs (oid -> a path of theirs): each learned once, a large one refused unread. */
  private async screen(known: ReadonlyMap<string, string>, reader: IndexReader): Promise<void> {
    if (known.size === 0) return;
    await this.fromStore([...known.keys()]);
    const unknown = new Map([...known].filter(([oid]) => !this.blobImages.has(oid)));
    if (unknown.size === 0) return;
    const { texts, tooLarge } = await reader.readBlobs([...unknown.keys()]);
    for (const [oid, path] of unknown) {
      const bytes = tooLarge.get(oid);
      if (bytes === undefined) this.learn(oid, texts.get(oid) ?? "", path);
      else this.refuseLarge(oid, bytes);
    }
  }

  private async treeFiles(
    repoKey: string,
    treeOid: string,
    reader: IndexReader,
  ): Promise<Map<string, string>> {
    const cached = this.trees.get(repoKey);
    if (cached?.treeOid === treeOid) return cached.files;
    const changes = this.changesOf(repoKey);
    const hint = await this.store?.hint(repoKey).catch(() => undefined);
    const kept = await this.store?.tree(treeOid).catch(() => undefined);
    const blobs = kept ?? (await reader.listTree(treeOid)).filter((blob) => isManifestPath(blob.path));
    if (!kept) await this.store?.putTree(treeOid, blobs).catch(() => undefined);
    const files = this.filesOf(blobs);
    // Kept only when nothing replaced or forgot the repository's tree while it was listed.
    if (this.changesOf(repoKey) === changes) {
      this.trees.set(repoKey, { treeOid, files });
      if (hint) await this.store?.listed(repoKey, treeOid, hint.epoch).catch(() => undefined);
    }
    return files;
  }

  /** A listing's files (path -> oid); the listing gives sizes: a file over the limit is refused unread. */
  private filesOf(blobs: readonly StoredTreeFile[]): Map<string, string> {
    for (const blob of blobs)
      if (blob.size !== undefined && blob.size > MAX_MANIFEST_BYTES) this.refuseLarge(blob.oid, blob.size);
    return new Map(blobs.map((blob) => [blob.path, blob.oid]));
  }

  /** Takes what the store kept of blobs not known here (a store that does not answer: nothing). */
  private async fromStore(oids: readonly string[]): Promise<void> {
    const wanted = oids.filter((oid) => !this.blobImages.has(oid));
    if (!this.store || wanted.length === 0) return;
    const kept = await this.store.blobs(wanted).catch(() => new Map<string, StoredBlob>());
    for (const [oid, blob] of kept) {
      if (this.blobImages.has(oid)) continue;
      const info: BlobInfo = {
        images: blob.images,
        ...(blob.broken && blob.text !== undefined ? { brokenText: blob.text } : {}),
        ...(blob.refusal ? { refusal: blob.refusal } : {}),
      };
      this.blobImages.set(oid, info);
      if (blob.text !== undefined) this.blobTexts.set(oid, blob.text);
    }
  }

  /** Gives the blobs learned here to the store (a store that does not answer only costs other replicas a read). */
  private async flush(): Promise<void> {
    if (!this.store || this.fresh.size === 0) return;
    const blobs = new Map(this.fresh);
    this.fresh.clear();
    await this.store.putBlobs(blobs).catch(() => undefined);
  }

  /** Sets what the index derived from a blob, and keeps it for the store. */
  private know(oid: string, info: BlobInfo, text?: string): void {
    this.blobImages.set(oid, info);
    if (text !== undefined) this.blobTexts.set(oid, text);
    if (!this.store) return;
    const stored: StoredBlob = {
      images: info.images,
      ...(text !== undefined ? { text } : {}),
      ...(info.brokenText !== undefined ? { broken: true } : {}),
      ...(info.refusal ? { refusal: info.refusal } : {}),
    };
    this.fresh.set(oid, stored);
  }

  private refuseLarge(oid: string, bytes: number): void {
    if (this.blobImages.get(oid)?.refusal) return;
    this.know(oid, { images: [], refusal: { reason: "file-too-large", bytes, limit: MAX_MANIFEST_BYTES } });
  }

  private learn(oid: string, text: string, path: string): void {
    if (this.blobImages.has(oid)) return;
    if (!mayReferenceImages(text)) {
      this.know(oid, { images: [] });
      return;
    }
    const listed = listImages({ path, text });
    if (listed.ok) {
      const images = [...listed.images, ...listed.aliases];
      this.know(oid, { images }, listed.images.length > 0 ? text : undefined);
    } else if (listed.refusal?.reason === "file-too-large") {
      // Never kept: its text is not screened either.
      this.know(oid, { images: [], refusal: listed.refusal });
    } else {
      // Not YAML (or no known format, or an alias bomb): kept as text so that a file naming the image is
      // reported (as a skip with its reason), not ignored.
      const refusal = listed.refusal ? { refusal: listed.refusal } : {};
      this.know(oid, { images: [], brokenText: text, ...refusal }, text);
    }
  }
}
