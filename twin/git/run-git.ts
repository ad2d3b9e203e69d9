import { spawn } from "node:child_process";

export interface GitRun {
  readonly stdout: Buffer;
  readonly code: number;
}

export interface GitOptions {
  readonly input?: string | Buffer;
  readonly env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (for example 1 from `merge-base --is-ancestor`). */
  readonly okCodes?: readonly number[];
}

/** Runs `git` in a repository directory; rejects with git's stderr unless the exit code is expected. */
export function runGit(gitDir: string, args: readonly string[], options: GitOptions = {}): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["--git-dir", gitDir, ...args], {
      env: {
        PATH: process.env["PATH"] ?? "/usr/bin:/bin",
        HOME: gitDir,
        GIT_CONFIG_NOSYSTEM: "1",
        GIT_TERMINAL_PROMPT: "0",
        LC_ALL: "C",
        ...options.env,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const exit = code ?? 1;
      if (exit === 0 || options.okCodes?.includes(exit)) {
        resolve({ stdout: Buffer.concat(out), code: exit });
        return;
      }
      const stderr = Buffer.concat(err).toString("utf8").trim();
      reject(new Error(`git ${args.join(" ")} failed (${exit}): ${stderr}`));
    });
    // git may exit before reading stdin (it needs none for most commands): that is not an error.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}

export async function gitText(
  gitDir: string,
  args: readonly string[],
  options: GitOptions = {},
): Promise<string> {
  const run = await runGit(gitDir, args, options);
  return run.stdout.toString("utf8");
}
