import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface ObjectInfo {
  readonly sha: string;
  readonly type: ObjectType;
  readonly size: number;
}

export interface GitObject extends ObjectInfo {
  readonly content: Buffer;
}

interface Reader {
  readonly child: ChildProcessWithoutNullStreams;
  waiters: Waiter[];
  buffer: Buffer;
}

interface Waiter {
  readonly contents: boolean;
  resolve(value: GitObject | ObjectInfo | null): void;
  reject(error: Error): void;
}

/**
 * One long-lived `git cat-file --batch-command` per repository: object reads without a process spawn each
 * (a spawn costs milliseconds; the twin reads hundreds of objects per request). Answers come back in the
 * order asked. Objects are named by SHA or `<commit SHA>:<path>`, never by ref (refs move; ask git).
 */
export class CatFile {
  #reader: Reader | undefined;

  constructor(private readonly gitDir: string) {}

  /** The object's type, SHA and size, or null when there is no such object. */
  info(name: string): Promise<ObjectInfo | null> {
    return this.#ask(name, false) as Promise<ObjectInfo | null>;
  }

  /** The object with its content, or null when there is no such object. */
  contents(name: string): Promise<GitObject | null> {
    return this.#ask(name, true) as Promise<GitObject | null>;
  }

  close(): void {
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.child.kill();
  }

  #ask(name: string, contents: boolean): Promise<GitObject | ObjectInfo | null> {
    // One request per line: a name with a line break cannot be asked (and names no object here).
    if (/[\r\n]/.test(name) || name.trim() !== name || name === "") return Promise.resolve(null);
    const reader = this.#start();
    return new Promise((resolve, reject) => {
      reader.waiters.push({ contents, resolve, reject });
      reader.child.stdin.write(`${contents ? "contents" : "info"} ${name}\n`);
    });
  }

  #start(): Reader {
    if (this.#reader) return this.#reader;
    const child = spawn("git", ["--git-dir", this.gitDir, "cat-file", "--batch-command"], {
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: this.gitDir,
        GIT_CONFIG_NOSYSTEM: "1",
        LC_ALL: "C",
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const reader: Reader = { child, waiters: [], buffer: Buffer.alloc(0) };
    this.#reader = reader;
    child.stdout.on("data", (chunk: Buffer) => {
      reader.buffer = reader.buffer.length === 0 ? chunk : Buffer.concat([reader.buffer, chunk]);
      drain(reader);
    });
    const stderr: Buffer[] = [];
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on("error", () => undefined);
    const fail = (reason: string) => {
      if (this.#reader === reader) this.#reader = undefined;
      const waiters = reader.waiters;
      reader.waiters = [];
      const detail = Buffer.concat(stderr).toString("utf8").trim();
      for (const waiter of waiters)
        waiter.reject(new Error(`git cat-file ${reason}${detail ? `: ${detail}` : ""}`));
    };
    child.on("error", (error) => fail(error.message));
    child.on("close", (code) => fail(`exited (${code ?? "signal"})`));
    // The twin's process must be able to exit while the reader waits for questions.
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr])
      (stream as unknown as { unref?: () => void }).unref?.();
    return reader;
  }
}

function drain(reader: Reader): void {
  for (;;) {
    const waiter = reader.waiters[0];
    if (!waiter) return;
    const newline = reader.buffer.indexOf(10);
    if (newline === -1) return;
    const header = reader.buffer.subarray(0, newline).toString("utf8");
    let value: GitObject | ObjectInfo | null = null;
    let used = newline + 1;
    if (!header.endsWith(" missing") && !header.endsWith(" ambiguous")) {
      const [sha = "", type = "", size = "0"] = header.split(" ");
      const info: ObjectInfo = { sha, type: type as ObjectType, size: Number(size) };
      value = info;
      if (waiter.contents) {
        const end = newline + 1 + info.size;
        if (reader.buffer.length < end + 1) return; // the content and its closing line break are not all here
        value = { ...info, content: Buffer.from(reader.buffer.subarray(newline + 1, end)) };
        used = end + 1;
      }
    }
    reader.buffer = reader.buffer.subarray(used);
    reader.waiters.shift();
    waiter.resolve(value);
  }
}
