// Running git for the peers and their repositories: a real git process, isolated from the machine's
// user and system configuration, never prompting.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** The environment of every git process of the peers. */
export function gitEnvironment(): NodeJS.ProcessEnv {
  return {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    LANG: "C",
  };
}

export interface GitResult {
  readonly ok: boolean;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `git <args>` in `cwd`; answers whether it succeeded instead of throwing. */
export async function git(cwd: string, args: readonly string[]): Promise<GitResult> {
  try {
    const { stdout, stderr } = await execFileAsync("git", args, {
      cwd,
      env: gitEnvironment(),
      maxBuffer: 64 * 1024 * 1024,
    });
    return { ok: true, stdout, stderr };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, stdout: failed.stdout ?? "", stderr: failed.stderr ?? String(error) };
  }
}

/** Runs `git <args>` in `cwd` and throws when it fails. */
export async function mustGit(cwd: string, args: readonly string[]): Promise<string> {
  const result = await git(cwd, args);
  if (!result.ok) throw new Error(`git ${args.join(" ")} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

export const BOT_IDENTITY = ["-c", "user.name=peer", "-c", "user.email=peer@example.com"];

/**
 * A bare repository `<root>/<name>.git` whose `main` holds `files` in one commit, as the twin seeds
 * the manifests repository of the app's benchmark.
 */
export async function createBareRepo(
  root: string,
  name: string,
  files: ReadonlyArray<{ path: string; content: string }>,
): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), "peer-seed-"));
  try {
    for (const file of files) {
      await mkdir(dirname(join(work, file.path)), { recursive: true });
      await writeFile(join(work, file.path), file.content);
    }
    await mustGit(work, ["init", "--quiet", "--initial-branch=main"]);
    await mustGit(work, ["add", "--all"]);
    await mustGit(work, [...BOT_IDENTITY, "commit", "--quiet", "-m", "seed"]);
    const bare = join(root, `${name}.git`);
    await mustGit(root, ["clone", "--quiet", "--bare", work, bare]);
    return bare;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** A file on a branch of a bare repository, or undefined when it is not there. */
export async function fileAt(bare: string, ref: string, path: string): Promise<string | undefined> {
  const result = await git(bare, ["show", `${ref}:${path}`]);
  return result.ok ? result.stdout : undefined;
}

/** Someone else's commit on `main` of a bare repository, pushed from a local clone (no HTTP). */
export async function commitElsewhere(bare: string, path: string, content: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "peer-other-"));
  try {
    await mustGit(work, ["clone", "--quiet", bare, "clone"]);
    const clone = join(work, "clone");
    await mkdir(dirname(join(clone, path)), { recursive: true });
    await writeFile(join(clone, path), content);
    await mustGit(clone, ["add", "--all"]);
    await mustGit(clone, [...BOT_IDENTITY, "commit", "--quiet", "-m", `someone else: ${path}`]);
    await mustGit(clone, ["push", "--quiet", "origin", "HEAD:main"]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
