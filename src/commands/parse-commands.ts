/**
 * Slash commands in a comment, pure. One command per line, at the start of the line (up to three
 * spaces, as Markdown allows), case-insensitive, extra spaces tolerated. Lines that Markdown shows as
 * a quote (`> /rollback prod`), code (fenced or indented) or an HTML comment are not commands. A
 * `/word` that is not one of ours (`/cc`, `/assign`: other bots' commands) is left alone.
 */

import { code } from "../core/render/markdown.js";

export type CommandRef =
  | { readonly kind: "sha"; readonly sha: string }
  | { readonly kind: "tag"; readonly tag: string }
  | { readonly kind: "steps"; readonly steps: number };

export type Command =
  | {
      readonly kind: "retag";
      readonly environment: string;
      readonly ref: CommandRef | undefined;
      readonly services: readonly string[];
      readonly force: boolean;
    }
  | {
      readonly kind: "promote";
      readonly from: string;
      readonly to: string;
      readonly services: readonly string[];
    }
  | {
      readonly kind: "rollback";
      readonly environment: string;
      readonly ref: CommandRef | undefined;
      readonly services: readonly string[];
    }
  | {
      readonly kind: "freeze";
      readonly environment: string;
      readonly durationMs: number | undefined;
      readonly reason: string | undefined;
    }
  | { readonly kind: "unfreeze"; readonly environment: string }
  | { readonly kind: "resume"; readonly environment: string; readonly services: readonly string[] }
  | { readonly kind: "status"; readonly environment: string | undefined }
  | { readonly kind: "reconcile" }
  | { readonly kind: "help" };

export type CommandKind = Command["kind"];

export type ParsedLine = { readonly line: number; readonly text: string } & (
  | { readonly ok: true; readonly command: Command }
  | { readonly ok: false; readonly kind: CommandKind; readonly problem: string; readonly fix: string }
);

export const COMMAND_USAGE: Readonly<Record<CommandKind, string>> = {
  retag: "/retag <env> [<sha>|<tag> [<service>...]] [--force]",
  promote: "/promote <from-env> <to-env> [<service>...]",
  rollback: "/rollback <env> [<sha>|<n>] [<service>...]",
  freeze: "/freeze <env> [<duration>] [<reason>]",
  unfreeze: "/unfreeze <env>",
  resume: "/resume <env> [<service>...]",
  status: "/status [<env>]",
  reconcile: "/reconcile",
  help: "/help",
};

const KINDS = Object.keys(COMMAND_USAGE) as CommandKind[];

const NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/i;
const SHA = /^[0-9a-f]{7,40}$/i;
const STEPS = /^[1-9][0-9]?$/; // 1..99 builds back; longer numbers are SHAs (`1234567`)
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DURATION = /^([1-9][0-9]{0,3})(m|h|d|w)$/i;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
/** The longest freeze a duration may ask for; without a duration a freeze lasts until `/unfreeze`. */
export const MAX_FREEZE_MS = 90 * 86_400_000;
const MAX_REASON = 200;

/** Every command line in a comment body, in order, parsed or with the problem and its fix. */
export function parseCommands(body: string): ParsedLine[] {
  const parsed: ParsedLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let inHtmlComment = false;
  const lines = body.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    if (inHtmlComment) {
      if (raw.includes("-->")) inHtmlComment = false;
      return;
    }
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence) {
      if (marker?.[0] === fence.char && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (marker) {
      fence = { char: marker.charAt(0), length: marker.length };
      return;
    }
    const trimmed = raw.trimStart();
    if (trimmed.startsWith("<!--")) {
      if (!trimmed.includes("-->")) inHtmlComment = true;
      return;
    }
    // Four spaces (or a tab) of indentation: indented code, or the continuation of a paragraph.
    if (/^( {4}|\t)/.test(raw)) return;
    const match = /^\/([A-Za-z]+)(?=\s|$)(.*)$/.exec(trimmed);
    const [, word = "", tail = ""] = match ?? [];
    const kind = word.toLowerCase() as CommandKind;
    if (!match || !KINDS.includes(kind)) return;
    const words = tail
      .trim()
      .split(/\s+/)
      .filter((word) => word !== "");
    const text = trimmed.trimEnd();
    const result = parseArguments(kind, words);
    parsed.push(
      "problem" in result
        ? { line: index + 1, text, ok: false, kind, problem: result.problem, fix: result.fix }
        : { line: index + 1, text, ok: true, command: result },
    );
  });
  return parsed;
}

type Parse = Command | { problem: string; fix: string };

function usage(kind: CommandKind): string {
  return `write it as \`${COMMAND_USAGE[kind]}\``;
}

function parseArguments(kind: CommandKind, words: readonly string[]): Parse {
  switch (kind) {
    case "help":
    case "reconcile":
      return words.length === 0 ? { kind } : extra(kind, words);
    case "status": {
      if (words.length > 1) return extra(kind, words.slice(1));
      const environment = words[0];
      if (environment !== undefined && !NAME.test(environment))
        return badName(kind, "environment", environment);
      return { kind, environment };
    }
    case "unfreeze": {
      const environment = requiredName(kind, "environment", words[0]);
      if (typeof environment !== "string") return environment;
      return words.length > 1 ? extra(kind, words.slice(1)) : { kind, environment };
    }
    case "resume": {
      const environment = requiredName(kind, "environment", words[0]);
      if (typeof environment !== "string") return environment;
      const services = names(kind, words.slice(1));
      return Array.isArray(services) ? { kind, environment, services } : services;
    }
    case "freeze":
      return parseFreeze(words);
    case "promote": {
      const from = requiredName(kind, "source environment", words[0]);
      if (typeof from !== "string") return from;
      const to = requiredName(kind, "target environment", words[1]);
      if (typeof to !== "string") return to;
      if (from.toLowerCase() === to.toLowerCase())
        return { problem: `cannot promote ${from} to itself`, fix: "name two different environments" };
      const services = names(kind, words.slice(2));
      return Array.isArray(services) ? { kind, from, to, services } : services;
    }
    case "retag":
    case "rollback":
      return parseRetagOrRollback(kind, words);
  }
}

function parseRetagOrRollback(kind: "retag" | "rollback", words: readonly string[]): Parse {
  const force = words.some((word) => word.toLowerCase() === "--force");
  if (force && kind === "rollback")
    return { problem: "`--force` is for /retag", fix: "a rollback may always go back: leave `--force` out" };
  const rest = words.filter((word) => word.toLowerCase() !== "--force");
  const unknownFlag = rest.find((word) => word.startsWith("-"));
  if (unknownFlag) return { problem: `unknown option ${code(unknownFlag)}`, fix: usage(kind) };
  const environment = requiredName(kind, "environment", rest[0]);
  if (typeof environment !== "string") return environment;
  // /retag: the second word is always what to deploy (a SHA if it is 7 to 40 hex digits, else a tag).
  // /rollback: a SHA or a count of builds back when it looks like one; else the services begin.
  let ref: CommandRef | undefined;
  const word = rest[1];
  if (word !== undefined && kind === "retag") {
    if (SHA.test(word)) ref = { kind: "sha", sha: word.toLowerCase() };
    else if (TAG.test(word)) ref = { kind: "tag", tag: word };
    else
      return {
        problem: `${code(word)} is neither a commit SHA nor a valid image tag`,
        fix: "give 7 to 40 hex digits of a commit, or a tag of letters, digits, `.`, `_` and `-`",
      };
  } else if (word !== undefined && STEPS.test(word)) ref = { kind: "steps", steps: Number(word) };
  else if (word !== undefined && SHA.test(word)) ref = { kind: "sha", sha: word.toLowerCase() };
  const index = ref ? 2 : 1;
  const services = names(kind, rest.slice(index));
  if (!Array.isArray(services)) return services;
  return kind === "retag"
    ? { kind, environment, ref, services, force }
    : { kind, environment, ref, services };
}

function parseFreeze(words: readonly string[]): Parse {
  const environment = requiredName("freeze", "environment", words[0]);
  if (typeof environment !== "string") return environment;
  let durationMs: number | undefined;
  let rest = words.slice(1);
  const [, amount, unit] = (rest[0] === undefined ? null : DURATION.exec(rest[0])) ?? [];
  if (amount !== undefined && unit !== undefined) {
    durationMs = Number(amount) * (UNIT_MS[unit.toLowerCase()] ?? Number.NaN);
    if (durationMs > MAX_FREEZE_MS)
      return {
        problem: `${rest[0]} is longer than the longest freeze (90 days)`,
        fix: "give a shorter duration, or none: a freeze without one lasts until `/unfreeze`",
      };
    rest = rest.slice(1);
  } else if (rest[0] !== undefined && /^[0-9]+[a-z]*$/i.test(rest[0]))
    return {
      problem: `${rest[0]} is not a duration`,
      fix: "give minutes, hours, days or weeks, such as `30m`, `4h`, `2d` or `1w`",
    };
  const reason = rest.join(" ");
  if (reason.length > MAX_REASON)
    return { problem: `the reason is longer than ${MAX_REASON} characters`, fix: "say it shorter" };
  return { kind: "freeze", environment, durationMs, reason: reason === "" ? undefined : reason };
}

function requiredName(
  kind: CommandKind,
  what: string,
  word: string | undefined,
): string | { problem: string; fix: string } {
  if (word === undefined) return { problem: `the ${what} is missing`, fix: usage(kind) };
  return NAME.test(word) ? word : badName(kind, what, word);
}

function badName(kind: CommandKind, what: string, word: string): { problem: string; fix: string } {
  return {
    problem: `${code(word)} is not a valid ${what} name`,
    fix: `names are letters, digits, \`.\`, \`_\` and \`-\`; ${usage(kind)}`,
  };
}

/** The most services one command may name (each costs several requests to check). */
export const MAX_SERVICES = 20;

/** Service names, each once (repository names are case-insensitive), at most MAX_SERVICES of them. */
function names(kind: CommandKind, words: readonly string[]): string[] | { problem: string; fix: string } {
  const bad = words.find((word) => !NAME.test(word));
  if (bad !== undefined) return badName(kind, "service", bad);
  const unique = [...new Map(words.map((word) => [word.toLowerCase(), word])).values()];
  return unique.length <= MAX_SERVICES
    ? unique
    : {
        problem: `${unique.length} services in one command; at most ${MAX_SERVICES}`,
        fix: "name fewer, or none for every service of the environment",
      };
}

function extra(kind: CommandKind, words: readonly string[]): { problem: string; fix: string } {
  return { problem: `unexpected ${code(words.join(" "))}`, fix: usage(kind) };
}
