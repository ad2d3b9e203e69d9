import { createHash, randomUUID } from "node:crypto";
import { access, mkdir, rename, rm, writeFile } from "node:fs/promises";
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

/** A bare git repository on disk, driven through the `git` command so SHAs, trees and ancestry are real. */
export class GitRepo {
  readonly #objects: CatFile;

  constructor(readonly dir: string) {
    this.#objects = new CatFile(dir);
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
    const run = await runGit(this.dir, ["rev-parse", "--verify", "--quiet", `${expression}^{commit}`], {
      okCodes: [1, 128],
    });
    return run.code === 0 ? run.stdout.toString("utf8").trim() : null;
  }

  async getRef(ref: string): Promise<string | null> {
    // a ref name, not a revision expression (`main~1`, `main^{tree}`, `@{-1}`)
    if (!/^refs\/[^\s~^:?*[\\]+$/.test(ref) || ref.includes("..") || ref.includes("@{")) return null;
    const run = await runGit(this.dir, ["rev-parse", "--verify", "--quiet", ref], { okCodes: [1, 128] });
    return run.code === 0 ? run.stdout.toString("utf8").trim() : null;
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
