import type { Outcome } from "../plan/outcome.js";
import { COMMAND_USAGE, type CommandKind } from "../../commands/parse-commands.js";
import { skipText } from "./skip-text.js";
import { clipLine, fitText, GITHUB_LIMITS } from "./fit-github.js";
import { code, MARKDOWN } from "./markdown.js";

export { code } from "./markdown.js";

/** What one command line came to, for the reply. */
export interface ReplyEntry {
  /** The command as written. */
  readonly text: string;
  readonly ok: boolean;
  /** What happened, or the problem and its fix. */
  readonly lines: readonly string[];
}

/** How much of each line about a command a reply repeats (the command itself: see `code`). */
const LINE_LIMIT = 1_000;

/**
 * The reply to a comment with commands: one entry per command, mentioning who asked, then `tail`. It
 * fits GitHub's limit on a comment: a longer reply is cut at a line and says how much was left out.
 */
export function commandReply(login: string, entries: readonly ReplyEntry[], tail = ""): string {
  const body = entries
    .map((entry) => {
      const [first = "", ...rest] = entry.lines.map((line) => clipLine(line, LINE_LIMIT));
      return [
        `- ${entry.ok ? "✅" : "❌"} ${code(entry.text)}: ${first}`,
        ...rest.map((line) => `  - ${line}`),
      ].join("\n");
    })
    .join("\n");
  return fitText(`@${login}\n\n${body}${tail ? `\n\n${tail}` : ""}\n`, GITHUB_LIMITS.comment, {
    note: (omitted) =>
      `_… ${omitted} more line${omitted === 1 ? "" : "s"} of this reply not shown: a comment holds at most ${GITHUB_LIMITS.comment} characters._`,
  });
}

/** What a reply says of the commands of a comment beyond the first `max`, which were not run. */
export function notRunText(omitted: number, max: number): string {
  return `${omitted} more command${omitted === 1 ? "" : "s"} not run: at most ${max} per comment. Comment again for the rest.`;
}

/** A link in Markdown, or the label alone. */
export function link(label: string, url: string | undefined): string {
  return url ? `[${label}](${url})` : label;
}

/** One line for what became of a build a command asked for, in one environment. */
export function outcomeLine(outcome: Outcome, landing: { url: string; label: string } | undefined): string {
  const what = `${outcome.wanted.image}:${outcome.wanted.tag}`; // both checked by parseImageRef
  if (outcome.kind === "written")
    return `${what} → ${outcome.environment} in ${landing ? link(landing.label, landing.url) : "the branch"}`;
  const fix =
    outcome.skip.reason === "older-than-deployed" ||
    outcome.skip.reason === "diverged-from-deployed" ||
    outcome.skip.reason === "older-by-order"
      ? " (add `--force` to deploy it anyway, or `/rollback`)"
      : "";
  return `${what} → ${outcome.environment}: ${skipText(outcome.skip, MARKDOWN)}${fix}`;
}

const PURPOSE: Readonly<Record<CommandKind, string>> = {
  retag: "deploy a build (a pull request's head without a SHA) to an environment now",
  promote: "copy what runs in one environment to another",
  rollback: "put back the previous tag (or the n-th, or a SHA) and hold it there",
  freeze: "stop automatic changes to an environment (e.g. `2h`, `3d`; without: until /unfreeze)",
  unfreeze: "restart automatic changes",
  resume: "lift the holds /rollback placed",
  status: "what runs where: tag, source commit, age, commits behind, holds and freezes",
  reconcile: "compare every environment with the newest builds now, and repair what drifted",
  help: "this list",
};

/** `/help`: every command, what it does, and who may run it here. */
export function helpText(environments: readonly { name: string; who: string }[]): string {
  const rows = (Object.keys(COMMAND_USAGE) as CommandKind[]).map(
    (kind) => `| \`${COMMAND_USAGE[kind]}\` | ${PURPOSE[kind]} |`,
  );
  const who = environments.map((env) => `- ${env.name}: ${env.who}`);
  return [
    "| command | what it does |",
    "| --- | --- |",
    ...rows,
    "",
    "`/help` is open to everyone who can comment, `/status` to everyone who can read the manifests repository. Changing commands, per environment:",
    ...who,
    "",
    "One command per line; a quoted (`>`) or fenced command is not run, and an edited comment is not run again.",
  ].join("\n");
}
