import { createHash, randomUUID } from "node:crypto";
import { access, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflate } from "node:zlib";
import { CatFile } from "./cat-file.js";
import { gitText, runGit } from "./run-git.js";

const deflateAsync = promisify(deflate);
const SHA = /^[0-9a-f]{40}$/;

export const ZERO_SHA = "0000000000000000000000000000000000000000";

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
  /** ISO 8601 date; defaults to now. */
  readonly date?: string;
}

export interface GitCommit {
  readonly sha: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: Required<GitIdentity>;
  readonly committer: Required<GitIdentity>;
  readonly message: string;
}

export interface TreeEntry {
  readonly path: string;
  readonly mode: string;
  readonly type: "blob" | "tree" | "commit";
  readonly sha: string;
  readonly size?: number;
}

/** A change to a tree: a path set to an existing blob, or removed (`sha: null`). */
export interface TreeChange {
  readonly path: string;
  readonly mode: string;
  readonly sha: string | null;
}

export interface ChangedFile {
  readonly path: string;
  readonly status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed" | "unchanged";
  readonly additions: number;
  readonly deletions: number;
  readonly blobSha: string;
  readonly patch: string;
}

/**
 * Answers (or answers in flight) by key, computed once; the oldest go first past `limit`. A failed
 * computation is forgotten so that it is tried again.
 */
class BoundedCache<T> {
  readonly #entries = new Map<string, Promise<T>>();

  constructor(private readonly limit = 100_000) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const cached = this.#entries.get(key);
    if (cached) return cached;
    const promise = compute();
    this.#entries.set(key, promise);
    promise.catch(() => this.#entries.delete(key));
    if (this.#entries.size > this.limit) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return promise;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** A file's text; null when there is no such file; undefined when it cannot be read for another reason. */
async function readText(path: string): Promise<string | null | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" || code === "ENOTDIR" ? null : undefined;
  }
}

/** A bare git repository on disk, driven through the `git` command so SHAs, trees and ancestry are real. */
export class GitRepo {
  readonly #objects: CatFile;
  /** Parsed commits and histories by commit SHA: both are immutable, so they are read from git once. */
  readonly #commits = new BoundedCache<GitCommit | null>();
  readonly #histories = new BoundedCache<readonly string[]>();

  /** Whether refs are files (`reftable`, another ref store, is left to git). */
  readonly #filesBackend: Promise<boolean>;

  constructor(readonly dir: string) {
    this.#objects = new CatFile(dir);
    this.#filesBackend = access(join(dir, "reftable")).then(
      () => false,
      () => true,
    );
  }

  /** Stops the repository's object reader (it starts again when asked). */
  close(): void {
    this.#objects.close();
  }

  static async init(dir: string, defaultBranch: string): Promise<GitRepo> {
    await mkdir(dir, { recursive: true });
    await gitText(dir, ["init", "--bare", "--quiet", `--initial-branch=${defaultBranch}`]);
    return new GitRepo(dir);
  }

  /** Writes a loose object as `git hash-object -w` does (zlib of "blob <size>\0<content>"), in process. */
  async writeBlob(content: Buffer): Promise<string> {
    const object = Buffer.concat([Buffer.from(`blob ${content.length}\0`), content]);
    const sha = createHash("sha1").update(object).digest("hex");
    const directory = join(this.dir, "objects", sha.slice(0, 2));
    const path = join(directory, sha.slice(2));
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await mkdir(directory, { recursive: true });
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, await deflateAsync(object), { mode: 0o444 });
      await rename(temporary, path);
    }
    return sha;
  }

  async readBlob(sha: string): Promise<Buffer | null> {
    if (!SHA.test(sha)) return null;
    const object = await this.#objects.contents(sha);
    return object?.type === "blob" ? object.content : null;
  }

  async hasObject(sha: string, type: "blob" | "tree" | "commit"): Promise<boolean> {
    if (!SHA.test(sha)) return false;
    return (await this.#objects.info(sha))?.type === type;
  }

  /** Resolves a branch name, full ref, or SHA (abbreviated too) to a commit SHA, or null. */
  async resolveCommit(expression: string): Promise<string | null> {
    if (expression.startsWith("-")) return null;
    // HEAD (what `HEAD:path` probes name, one per repository of an installation) without a process:
    // git resolves it from $GIT_DIR/HEAD first; anything unusual is left to git.
    if (expression === "HEAD") {
      const stored = await this.#storedRef("HEAD", 0);
      if (stored === null) return null;
      if (stored !== undefined && (await this.#objects.info(stored))?.type === "commit") return stored;
    }
    const run = await runGit(this.dir, ["rev-parse", "--verify", "--quiet", `${expression}^{commit}`], {
      okCodes: [1, 128],
    });
    return run.code === 0 ? run.stdout.toString("utf8").trim() : null;
  }

  async getRef(ref: string): Promise<string | null> {
    // a ref name, not a revision expression (`main~1`, `main^{tree}`, `@{-1}`)
    if (!/^refs\/[^\s~^:?*[\\]+$/.test(ref) || ref.includes("..") || ref.includes("@{")) return null;
    const stored = await this.#storedRef(ref, 0);
    if (stored !== undefined) return stored;
    const run = await runGit(this.dir, ["rev-parse", "--verify", "--quiet", ref], { okCodes: [1, 128] });
    return run.code === 0 ? run.stdout.toString("utf8").trim() : null;
  }

  /**
   * A ref read where git's files backend keeps it, without a process (a spawn costs milliseconds and a
   * GraphQL query may ask 60 repositories' branches): the loose file, else its line in `packed-refs`.
   * Git writes both through a lock file and a rename, so a read sees a whole value. Undefined when the
   * files say something only git should interpret.
   */
  async #storedRef(ref: string, depth: number): Promise<string | null | undefined> {
    const unusual = ref
      .split("/")
      .some((part) => part === "" || part.startsWith(".") || part.endsWith(".lock"));
    if (depth > 5 || unusual || !(await this.#filesBackend)) return undefined;
    const loose = await readText(join(this.dir, ref));
    if (loose === undefined) return undefined;
    if (loose !== null) {
      const value = loose.trim();
      if (SHA.test(value)) return value;
      return value.startsWith("ref: refs/")
        ? this.#storedRef(value.slice("ref: ".length), depth + 1)
        : undefined;
    }
    const packed = await readText(join(this.dir, "packed-refs"));
    if (packed === undefined) return undefined;
    for (const line of (packed ?? "").split("\n")) {
      if (line.endsWith(` ${ref}`) && SHA.test(line.slice(0, 40)) && line.length === 41 + ref.length)
        return line.slice(0, 40);
    }
    return null;
  }

  /** Refs under a prefix (for example `refs/heads/`), as [full ref name, SHA]. */
  async listRefs(prefix: string): Promise<Array<{ ref: string; sha: string }>> {
    const text = await gitText(this.dir, ["for-each-ref", "--format=%(refname) %(objectname)", prefix]);
    return text
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => {
        const [ref = "", sha = ""] = line.split(" ");
        return { ref, sha };
      });
  }

  /** Copies every branch of another repository on disk (with its commits), as forking does. */
  async copyBranches(from: GitRepo): Promise<void> {
    await runGit(this.dir, [
      "fetch",
      "--quiet",
      "--no-tags",
      "--no-write-fetch-head",
      from.dir,
      "+refs/heads/*:refs/heads/*",
    ]);
  }

  /**
   * Copies `source` (a ref of another repository on disk, with the commits it needs) to `target` here,
   * as GitHub copies a fork's pull-request head into the base repository (`refs/pull/<n>/head`). The
   * new SHA of `target`, or null when `source` does not exist there.
   */
  async fetchRef(from: GitRepo, source: string, target: string): Promise<string | null> {
    if ((await from.getRef(source)) === null || !target.startsWith("refs/")) return null;
    const run = await runGit(
      this.dir,
      ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", from.dir, `+${source}:${target}`],
      { okCodes: [1, 128] },
    );
    return run.code === 0 ? this.getRef(target) : null;
  }

  /** Compare-and-swap: moves `ref` to `sha` only if it still points at `expected` (ZERO_SHA: must not exist). */
  async casRef(ref: string, sha: string, expected: string): Promise<boolean> {
    const run = await runGit(this.dir, ["update-ref", ref, sha, expected], { okCodes: [128, 1] });
    return run.code === 0;
  }

  async deleteRef(ref: string, expected: string): Promise<boolean> {
    const run = await runGit(this.dir, ["update-ref", "-d", ref, expected], { okCodes: [128, 1] });
    return run.code === 0;
  }

  async readCommit(sha: string): Promise<GitCommit | null> {
    if (!SHA.test(sha)) return null;
    const commit = await this.#commits.get(sha, () => this.#readCommit(sha));
    // A SHA that names no commit (yet) is asked again next time: the object may be written later.
    if (commit === null) this.#commits.delete(sha);
    return commit;
  }

  async #readCommit(sha: string): Promise<GitCommit | null> {
    const object = await this.#objects.contents(sha);
    if (object?.type !== "commit") return null;
    const raw = object.content.toString("utf8");
    const split = raw.indexOf("\n\n");
    const headers = raw.slice(0, split).split("\n");
    const message = raw.slice(split + 2);
    let tree = "";
    const parents: string[] = [];
    let author: Required<GitIdentity> = { name: "", email: "", date: "" };
    let committer = author;
    for (const line of headers) {
      const space = line.indexOf(" ");
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === "tree") tree = value;
      else if (key === "parent") parents.push(value);
      else if (key === "author") author = parseIdentity(value);
      else if (key === "committer") committer = parseIdentity(value);
    }
    return { sha, tree, parents, author, committer, message };
  }

  async readTree(treeSha: string, recursive: boolean): Promise<TreeEntry[]> {
    const args = ["ls-tree", "-l", "-z", ...(recursive ? ["-r", "-t"] : []), treeSha];
    const text = await gitText(this.dir, args);
    return text
      .split("\0")
      .filter((line) => line !== "")
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode = "", type = "", sha = "", size = "-"] = line.slice(0, tab).split(/\s+/);
        const entry: TreeEntry = { path: line.slice(tab + 1), mode, type: type as TreeEntry["type"], sha };
        return size === "-" ? entry : { ...entry, size: Number(size) };
      });
  }

  /** The entry at `path` in a commit's tree, or null. */
  async entryAt(commit: string, path: string): Promise<TreeEntry | null> {
    const clean = path.replace(/^\/+|\/+$/g, "");
    if (clean === "") {
      const tree = (await this.readCommit(commit))?.tree;
      return tree === undefined ? null : { path: "", mode: "040000", type: "tree", sha: tree };
    }
    if (clean.split("/").some((part) => part === "" || part === "." || part === ".." || part.includes("\0")))
      return null;
    const at = SHA.test(commit) ? commit : await this.resolveCommit(commit);
    if (at === null) return null;
    const slash = clean.lastIndexOf("/");
    const parent = await this.#objects.contents(
      slash === -1 ? `${at}^{tree}` : `${at}:${clean.slice(0, slash)}`,
    );
    if (parent?.type !== "tree") return null;
    const found = findTreeEntry(parent.content, clean.slice(slash + 1));
    if (!found) return null;
    const type = found.mode === "40000" ? "tree" : found.mode === "160000" ? "commit" : "blob";
    const entry: TreeEntry = { path: clean, mode: found.mode.padStart(6, "0"), type, sha: found.sha };
    if (type !== "blob") return entry;
    const info = await this.#objects.info(found.sha);
    return info ? { ...entry, size: info.size } : entry;
  }

  /** Writes a tree: `base` (or empty) with the changes applied, through a throwaway index file. */
  async writeTree(base: string | null, changes: readonly TreeChange[]): Promise<string> {
    const index = join(this.dir, `twin-index-${randomUUID()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await runGit(this.dir, base === null ? ["read-tree", "--empty"] : ["read-tree", base], { env });
      const lines = changes.map((change) =>
        change.sha === null
          ? `0 ${ZERO_SHA}\t${change.path}`
          : `${change.mode} ${change.sha}\t${change.path}`,
      );
      if (lines.length > 0) {
        await runGit(this.dir, ["update-index", "--add", "--remove", "--index-info"], {
          env,
          input: lines.join("\n") + "\n",
        });
      }
      return (await gitText(this.dir, ["write-tree"], { env })).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  async writeCommit(input: {
    tree: string;
    parents: readonly string[];
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
  }): Promise<string> {
    const now = new Date().toISOString();
    const env = {
      GIT_AUTHOR_NAME: input.author.name,
      GIT_AUTHOR_EMAIL: input.author.email,
      GIT_AUTHOR_DATE: input.author.date ?? now,
      GIT_COMMITTER_NAME: input.committer.name,
      GIT_COMMITTER_EMAIL: input.committer.email,
      GIT_COMMITTER_DATE: input.committer.date ?? now,
    };
    const parents = input.parents.flatMap((parent) => ["-p", parent]);
    const args = ["commit-tree", input.tree, ...parents, "-F", "-"];
    return (await gitText(this.dir, args, { env, input: input.message })).trim();
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const run = await runGit(this.dir, ["merge-base", "--is-ancestor", ancestor, descendant], {
      okCodes: [1],
    });
    return run.code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | null> {
    const run = await runGit(this.dir, ["merge-base", a, b], { okCodes: [1] });
    return run.code === 0 ? run.stdout.toString("utf8").trim() : null;
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const text = await gitText(this.dir, ["rev-list", "--reverse", `${base}..${head}`]);
    return text.split("\n").filter((line) => line !== "");
  }

  /** History of `head` (newest first), optionally only commits touching `path`. */
  async log(head: string, options: { path?: string; limit?: number } = {}): Promise<string[]> {
    // The history of a commit never changes; the history of a ref name does, so only SHAs are kept.
    if (!SHA.test(head)) return this.#log(head, options);
    const key = `${head}\n${options.limit ?? ""}\n${options.path ?? ""}`;
    const walk = async () =>
      (options.limit && !options.path ? await this.#walk(head, options.limit) : null) ??
      this.#log(head, options);
    return [...(await this.#histories.get(key, walk))];
  }

  /**
   * The first `limit` commits of `head`'s history in `git rev-list` order, read through the object reader
   * instead of a new process: git's walk without a path or ordering option takes the queued commit with
   * the newest committer date, queues its parents not seen before behind those of the same date, and
   * repeats. Null when a commit cannot be read (git then reports it).
   */
  async #walk(head: string, limit: number): Promise<string[] | null> {
    const first = await this.readCommit(head);
    if (!first) return null;
    const queue: Array<{ sha: string; date: number }> = [
      { sha: head, date: Date.parse(first.committer.date) },
    ];
    const seen = new Set([head]);
    const listed: string[] = [];
    while (listed.length < limit) {
      const next = queue.shift();
      if (!next) break;
      listed.push(next.sha);
      const commit = await this.readCommit(next.sha);
      if (!commit) return null;
      for (const parent of commit.parents) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        const read = await this.readCommit(parent);
        if (!read) return null;
        const date = Date.parse(read.committer.date);
        const at = queue.findIndex((queued) => queued.date < date);
        queue.splice(at === -1 ? queue.length : at, 0, { sha: parent, date });
      }
    }
    return listed;
  }

  async #log(head: string, options: { path?: string; limit?: number }): Promise<string[]> {
    const args = ["rev-list", ...(options.limit ? [`--max-count=${options.limit}`] : []), head];
    if (options.path) args.push("--", options.path);
    const text = await gitText(this.dir, args);
    return text.split("\n").filter((line) => line !== "");
  }

  /** A three-way merge of `theirs` into `ours` without a work tree; the merged tree, or null on conflict. */
  async mergeTrees(ours: string, theirs: string): Promise<string | null> {
    if ((await this.mergeBase(ours, theirs)) === null) return null;
    const run = await runGit(this.dir, ["merge-tree", "--write-tree", "--no-messages", ours, theirs], {
      okCodes: [1],
    });
    if (run.code !== 0) return null;
    return run.stdout.toString("utf8").split("\n")[0]!.trim();
  }

  /** Files that differ between two commits, with line counts and a unified patch per file. */
  async diff(base: string, head: string): Promise<ChangedFile[]> {
    const raw = await gitText(this.dir, ["diff-tree", "-r", "-z", "--no-renames", "--numstat", base, head]);
    const status = await gitText(this.dir, ["diff-tree", "-r", "-z", "--no-renames", "--raw", base, head]);
    const counts = new Map<string, { additions: number; deletions: number }>();
    const parts = raw.split("\0").filter((part) => part !== "");
    for (const part of parts) {
      const [additions = "0", deletions = "0", path = ""] = part.split("\t");
      counts.set(path, { additions: Number(additions) || 0, deletions: Number(deletions) || 0 });
    }
    const files: ChangedFile[] = [];
    const fields = status.split("\0").filter((part) => part !== "");
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const meta = fields[i]!.split(" ");
      const path = fields[i + 1]!;
      const letter = meta[4] ?? "M";
      const blobSha = letter === "D" ? (meta[2] ?? ZERO_SHA) : (meta[3] ?? ZERO_SHA);
      const patch = await gitText(this.dir, ["diff", "--no-color", "--no-ext-diff", base, head, "--", path]);
      const hunk = patch.indexOf("\n@@");
      files.push({
        path,
        status: letter === "A" ? "added" : letter === "D" ? "removed" : "modified",
        additions: counts.get(path)?.additions ?? 0,
        deletions: counts.get(path)?.deletions ?? 0,
        blobSha,
        patch: hunk === -1 ? "" : patch.slice(hunk + 1).replace(/\n$/, ""),
      });
    }
    return files;
  }
}

/** The entry called `name` in a raw tree object ("<mode> <name>\0<20-byte SHA>" repeated), or null. */
function findTreeEntry(tree: Buffer, name: string): { mode: string; sha: string } | null {
  let at = 0;
  while (at < tree.length) {
    const space = tree.indexOf(32, at);
    const nul = tree.indexOf(0, space);
    if (space === -1 || nul === -1) return null;
    if (tree.subarray(space + 1, nul).toString("utf8") === name)
      return {
        mode: tree.subarray(at, space).toString("utf8"),
        sha: tree.subarray(nul + 1, nul + 21).toString("hex"),
      };
    at = nul + 21;
  }
  return null;
}

function parseIdentity(value: string): Required<GitIdentity> {
  const match = /^(.*) <(.*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) return { name: value, email: "", date: new Date(0).toISOString() };
  const seconds = Number(match[3]);
  return {
    name: match[1]!,
    email: match[2]!,
    date: new Date(seconds * 1000).toISOString().replace(".000Z", "Z"),
  };
}
