import type { FileRefusal } from "../core/index.js";

/** A file of a tree listing as the index keeps it: a manifest path, its blob, its size when listed. */
export interface StoredTreeFile {
  readonly path: string;
  readonly oid: string;
  readonly size?: number;
}

/** What the index derived from one blob: the image names it references, and the text worth keeping. */
export interface StoredBlob {
  readonly images: readonly string[];
  /** Kept for a file that references images, or that does not parse (screened by its text). */
  readonly text?: string;
  /** The text is kept because the file does not parse (it is screened by its text). */
  readonly broken?: boolean;
  readonly refusal?: FileRefusal;
}

/** The fleet's last tree of a repository, and the count of its changes (for compare-and-set). */
export interface TreeHint {
  readonly treeOid: string | undefined;
  readonly epoch: string;
}

/**
 * Where the fleet keeps the manifest index (src/runtime/redis-index-store.ts). Tree listings by tree
 * oid and blobs by blob oid never go stale (git objects are immutable); the hint (which tree a
 * repository had last) does, and changes only by compare-and-set against its epoch, so a listing that
 * began before a forget or a commit does not put an older tree back. Reads of a missing or unreadable
 * entry answer undefined (a miss).
 */
export interface IndexStore {
  hint(repoKey: string): Promise<TreeHint>;
  tree(treeOid: string): Promise<StoredTreeFile[] | undefined>;
  putTree(treeOid: string, files: readonly StoredTreeFile[]): Promise<void>;
  blobs(oids: readonly string[]): Promise<Map<string, StoredBlob>>;
  putBlobs(blobs: ReadonlyMap<string, StoredBlob>): Promise<void>;
  /** The repository's tree is `treeOid`, unless the hint changed since `epoch`. */
  listed(repoKey: string, treeOid: string, epoch: string): Promise<void>;
  /** The app committed `from` -> `to`: the hint moves when it was `from`. */
  committed(repoKey: string, fromTreeOid: string, toTreeOid: string): Promise<void>;
  /** Someone else pushed: no tree is known for the repository, for any replica. */
  forget(repoKey: string): Promise<void>;
}
