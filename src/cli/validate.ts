import {
  CONFIG_PATH,
  CONFIG_PATH_YAML,
  parseConfig,
  pickConfigFile,
  type ConfigFile,
  type ConfigProblem,
} from "../config/index.js";
import { problemLine } from "../core/render/config-check-text.js";
import { MAX_MANIFEST_BYTES, refusalText } from "../core/index.js";
import { STATE_PATH } from "../state/state-file.js";
import { stateProblems } from "../state/state-problems.js";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";

export const VALIDATE_USAGE = `Usage: gitops-image-bot validate [FILE...] [--state [FILE]]

Checks configuration files with the app's own rules and messages, before they reach a branch:
one line per problem on stderr, as file:line:column: problem. Fix: ...

  FILE            a configuration file (default: ${CONFIG_PATH}, or ${CONFIG_PATH_YAML});
                  a file named *gitops-image-bot-state.yml is checked as the holds and freezes file
  --state [FILE]  also check the holds and freezes file (default: ${STATE_PATH}, which may be absent);
                  takes the next argument as FILE unless it is an option

A file with _extends is checked without its base, which this command does not read: keys the base may
provide are not required here (the app and the pull request check read the base).

Exit codes: 0 valid, 2 a problem or a file that does not exist, 1 a file that cannot be read.
`;

interface Target {
  readonly kind: "config" | "state";
  readonly path: string;
  /** Named on the command line (must exist), or a default (the state file may be absent). */
  readonly given: boolean;
}

type ParsedArgs = { ok: true; help: boolean; targets: Target[] } | { ok: false; message: string };

function parseValidateArgs(args: readonly string[]): ParsedArgs {
  const targets: Target[] = [];
  let help = false;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] ?? "";
    if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--state" || arg.startsWith("--state=")) {
      const next = args[index + 1];
      const inline = arg.startsWith("--state=") ? arg.slice("--state=".length) : undefined;
      const explicit = inline ?? (next !== undefined && !next.startsWith("-") ? args[++index] : undefined);
      if (explicit === "") return { ok: false, message: "--state= needs a file name" };
      targets.push({ kind: "state", path: explicit ?? STATE_PATH, given: explicit !== undefined });
    } else if (arg.startsWith("-") && arg !== "-") return { ok: false, message: `unknown option "${arg}"` };
    else
      targets.push({
        kind: arg.endsWith("gitops-image-bot-state.yml") ? "state" : "config",
        path: arg,
        given: true,
      });
  }
  return { ok: true, help, targets };
}

/** `gitops-image-bot validate`: the config (and the holds and freezes file) checked as the app checks them. */
export async function validateCommand(args: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseValidateArgs(args);
  if (!parsed.ok) {
    io.stderr(`gitops-image-bot validate: ${parsed.message}\n\n${VALIDATE_USAGE}`);
    return EXIT.badInput;
  }
  if (parsed.help) {
    io.stdout(VALIDATE_USAGE);
    return EXIT.ok;
  }
  const targets = parsed.targets.some((target) => target.kind === "config")
    ? parsed.targets
    : [{ kind: "config" as const, path: "", given: false }, ...parsed.targets];
  let code: number = EXIT.ok;
  const worse = (next: number) => {
    if (code === EXIT.ok || next === EXIT.badInput) code = next;
  };
  for (const target of targets) {
    const outcome = target.kind === "config" ? await checkConfig(target, io) : await checkState(target, io);
    if (outcome.kind === "checked") {
      for (const problem of outcome.problems) io.stderr(`${problemLine(problem)}\n`);
      if (outcome.problems.length > 0) worse(EXIT.badInput);
      else io.stdout(`${outcome.file}: ${outcome.valid}\n`);
    } else {
      io.stderr(`${outcome.message}\n`);
      worse(outcome.code);
    }
  }
  return code;
}

type Outcome =
  | { kind: "checked"; file: string; problems: readonly ConfigProblem[]; valid: string }
  | { kind: "unread"; message: string; code: number };

async function checkConfig(target: Target, io: CliIo): Promise<Outcome> {
  let file: ConfigFile;
  if (target.given) {
    const read = await readText(io, target.path);
    if (typeof read !== "string") return read;
    file = { path: target.path, text: read };
  } else {
    const found: ConfigFile[] = [];
    for (const path of [CONFIG_PATH, CONFIG_PATH_YAML]) {
      const read = await readText(io, path);
      if (typeof read === "string") found.push({ path, text: read });
      else if (read.code !== EXIT.badInput) return read;
    }
    const picked = pickConfigFile(found);
    if (picked.kind === "none")
      return {
        kind: "unread",
        code: EXIT.badInput,
        message: `${CONFIG_PATH}: no such file (nor ${CONFIG_PATH_YAML}): run this at the root of the manifests repository, or name the file`,
      };
    if (picked.kind === "two")
      return { kind: "checked", file: CONFIG_PATH, problems: picked.problems, valid: "valid" };
    file = picked.file;
  }
  const result = parseConfig(file.text, file.path, { baseUnread: true });
  const problems = result.ok ? [] : result.problems;
  const valid =
    result.extends === undefined
      ? "valid"
      : `valid on its own (_extends: ${result.extends} not read: run the app or the pull request check for the whole configuration)`;
  return { kind: "checked", file: file.path, problems, valid };
}

async function checkState(target: Target, io: CliIo): Promise<Outcome> {
  const read = await readText(io, target.path);
  if (typeof read !== "string") {
    if (!target.given && read.code === EXIT.badInput)
      return { kind: "checked", file: target.path, problems: [], valid: "absent: nothing is held or frozen" };
    return read;
  }
  return { kind: "checked", file: target.path, problems: stateProblems(read, target.path), valid: "valid" };
}

/** The file's text, or why it cannot be had: a file that does not exist is bad input (2), other errors 1. */
async function readText(
  io: CliIo,
  path: string,
): Promise<string | { kind: "unread"; message: string; code: number }> {
  try {
    // Refused unread over the manifests limit, as the app refuses such a file: file:line:column and 2.
    const bytes = (await io.fileSize?.(path)) ?? 0;
    if (bytes > MAX_MANIFEST_BYTES) {
      const refusal = { reason: "file-too-large" as const, bytes, limit: MAX_MANIFEST_BYTES };
      return { kind: "unread", code: EXIT.badInput, message: `${path}:1:1: ${refusalText(refusal)}` };
    }
    return await io.readFile(path);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT") return { kind: "unread", code: EXIT.badInput, message: `${path}: no such file` };
    return {
      kind: "unread",
      code: EXIT.failure,
      message: `${path}: cannot read the file: ${(error as Error).message}`,
    };
  }
}
