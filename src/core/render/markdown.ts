/**
 * Strings the app did not write, made safe to put into what it writes. Branch names, tags, paths, echoed
 * commands, freeze and hold reasons, pull request titles and error messages come from people (some of
 * them outsiders) or from files anyone with write access edits. In Markdown they could otherwise add
 * links, images, HTML, headings or tables that read as the app's own words, and ping people or teams.
 *
 * - `code(text)`: one inline code span that nothing in `text` can end early (CommonMark's rule: a span
 *   ends only at a backtick run as long as the one that opened it). Inside a code span GitHub renders no
 *   link, image, HTML or emphasis, pings no one and links no issue.
 * - `plain(text)`: prose, its Markdown and HTML metacharacters backslash-escaped. GitHub finds `@login`
 *   mentions, `#123` references and bare URLs after Markdown is rendered, so a backslash does not stop them
 *   (github/markup#1168): a zero-width space (U+200B) after `@`, after `#` before a digit and inside `://`
 *   and `www.` does, and the text still reads the same.
 *
 * Both fold line breaks (and every other run of white space) into one space, drop control and bidi
 * override characters, and cap the length. Callers put the result where a span may start: not right
 * after a backslash or a backtick.
 */
import { clipLine } from "./fit-github.js";

const ZWSP = "\u200b";

/** How much of a code span or a piece of prose is repeated, by default (code points). */
export const CODE_LIMIT = 200;
export const PLAIN_LIMIT = 1_000;

/** C0 and C1 controls except the white space ones, and the bidi marks, embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `text` on one line: every run of white space (line breaks, tabs, U+2028) one space, no control characters. */
export function oneLine(text: string): string {
  return text.replace(INVISIBLE, "").replace(/\s+/g, " ").trim();
}

/** Inline code of any text: one line, at most `max` code points, fenced so no backtick run in it ends it. */
export function code(text: string, max = CODE_LIMIT): string {
  const body = clipLine(oneLine(text), max);
  if (body === "") return "` `";
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  // CommonMark strips one space from each side when both are there: a backtick at an edge needs it.
  const pad = body.startsWith("`") || body.endsWith("`") ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/**
 * `text` with what GitHub would turn into a mention, an issue reference or a bare link broken by a
 * zero-width space: enough for text GitHub does not render as Markdown but still scans (commit messages).
 */
export function noPing(text: string): string {
  return text
    .replace(/@/g, `@${ZWSP}`)
    .replace(/#(?=\d)/g, `#${ZWSP}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1${ZWSP}-`)
    .replace(/:\/\//g, `:${ZWSP}//`)
    .replace(/\b(www)\./gi, `$1${ZWSP}.`);
}

/** Escaped everywhere: CommonMark's inline syntax, HTML and entities, GFM tables, strikethrough and math. */
const SPECIAL = /[\\`*_[\]()<>#!|~&$]/g;

/** Prose written by someone else, as Markdown text that renders it literally (one line, at most `max`). */
export function plain(text: string, max = PLAIN_LIMIT): string {
  return noPing(clipLine(oneLine(text), max))
    .replace(SPECIAL, "\\$&")
    .replace(/^([-+=])/, "\\$1") // a list item or a setext underline at the start of a line
    .replace(/^(\d+)\./, "$1\\."); // an ordered list item
}

/**
 * A GFM table cell from Markdown: no line breaks, and every pipe escaped once. GFM splits a row into
 * cells before it reads code spans, so a pipe in a code span needs its backslash too; a pipe `plain`
 * already escaped keeps its one (a second backslash would escape the first and free the pipe).
 */
export function cell(markdown: string): string {
  return markdown
    .replace(/\\*\|/g, (run) => (run.length % 2 === 1 ? `\\${run}` : run))
    .replace(/\r?\n/g, " ");
}

/** A GitHub login named without pinging its owner (tables and lists that are re-rendered often). */
export function person(login: string): string {
  return plain(`@${login}`, 100);
}

/** How a text that mixes the app's words with others' renders them: Markdown, or plain text. */
export interface TextStyle {
  /** A name, tag, branch or path. */
  readonly code: (text: string) => string;
  /** Prose: a reason or a message. */
  readonly plain: (text: string) => string;
  /** A login, without pinging. */
  readonly person: (login: string) => string;
}

/** For comments, issue and pull request bodies, check run output. */
export const MARKDOWN: TextStyle = { code: (text) => code(text), plain: (text) => plain(text), person };

/**
 * For commit messages, statuses and logs: GitHub shows them as they are (a backslash would show), yet
 * still pings mentions in commit messages, so those are broken.
 */
export const PLAIN_TEXT: TextStyle = {
  code: (text) => noPing(clipLine(oneLine(text), CODE_LIMIT)),
  plain: (text) => noPing(clipLine(oneLine(text), PLAIN_LIMIT)),
  person: (login) => noPing(`@${clipLine(oneLine(login), 100)}`),
};
