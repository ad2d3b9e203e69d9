import type { Row } from "../reconcile/observe.js";
import { orderText } from "../reconcile/pass-looks-for.js";
import { link } from "./command-reply.js";
import { shortSha } from "./short-sha.js";
import { takeLines, textSize } from "./fit-github.js";
import { cell, code, person, plain } from "./markdown.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * How old a commit is: in hours and days for `/status`; in whole days for the dashboard (`coarse`), so
 * the issue is not edited every pass only because time went by.
 */
export function ageText(date: string | undefined, now: number, coarse: boolean): string {
  if (date === undefined) return "?";
  const ms = Math.max(0, now - Date.parse(date));
  if (ms < DAY) return coarse ? "today" : ms < HOUR ? "< 1 h" : `${Math.floor(ms / HOUR)} h`;
  const days = Math.floor(ms / DAY);
  return days === 1 ? "1 day" : `${days} days`;
}

/**
 * What a row's state means, with its hold and freeze. Who placed a hold or freeze is named without a
 * ping (`person`): `/status` and every dashboard edit would otherwise notify them again. Reasons are
 * theirs, so they are escaped (`plain`).
 */
export function stateText(row: Row, depth: number): string {
  const parts: string[] = [];
  switch (row.state.kind) {
    case "current":
      parts.push("✅ newest build");
      break;
    case "behind":
      parts.push(
        `⏳ newest build is ${link(shortSha(row.state.newest.sha), commitUrl(row.url, row.state.newest.sha))}`,
      );
      break;
    case "other-branch":
      parts.push(
        `a build from another branch than ${row.branch === undefined ? "the tracked one" : code(row.branch)}`,
      );
      break;
    case "no-build":
      parts.push(
        `no successful build in the last ${depth} commits of ${row.branch === undefined ? "its branch" : code(row.branch)}`,
      );
      break;
    case "untracked":
      parts.push(row.state.why);
      break;
  }
  if (row.hold)
    parts.push(`🔒 held by ${person(row.hold.by)}${row.hold.reason ? ` (${plain(row.hold.reason)})` : ""}`);
  if (row.freeze)
    parts.push(
      `🧊 frozen by ${person(row.freeze.by)}${row.freeze.reason ? ` (${plain(row.freeze.reason)})` : ""}`,
    );
  return parts.join("; ");
}

/**
 * The table cells of a row: service, tag, source commit, age, commits behind (for a source ordered by
 * build number or version: the tag's place in that order, `build 42 (by build number)`), state.
 */
export function rowCells(row: Row, now: number, depth: number, coarse: boolean): string[] {
  const repository = row.repository ? link(plain(row.repository), row.url) : code(row.image);
  // A monorepo's images share the repository: each row names its image too.
  const service = row.repository && row.part ? `${repository} ${code(row.part)}` : repository;
  const tag = row.tag === undefined ? "(none)" : code(row.tag);
  const commit = row.sha === undefined ? "?" : link(shortSha(row.sha), commitUrl(row.url, row.sha));
  // A source ordered by its tags: where the tag stands in that order, and which order it is.
  const behind = row.order
    ? `${plain(row.order.value)} (by ${orderText(row.order.order)})`
    : row.behind === undefined
      ? "?"
      : row.behind >= depth
        ? `${depth}+`
        : String(row.behind);
  return [service, tag, commit, ageText(row.date, now, coarse), behind, stateText(row, depth)].map(cell);
}

type TableOptions = { readonly coarse: boolean; readonly withEnvironment: boolean };

function tableHead(options: TableOptions): string[] {
  const head = ["Service", "Tag", "Source commit", "Age", "Behind", "State"];
  const header = options.withEnvironment ? ["Environment", ...head] : head;
  return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`];
}

function tableLine(row: Row, now: number, depth: number, options: TableOptions): string {
  const cells = rowCells(row, now, depth, options.coarse);
  return `| ${(options.withEnvironment ? [cell(row.environment), ...cells] : cells).join(" | ")} |`;
}

/** A Markdown table of rows, with the environment as the first column when `withEnvironment`. */
export function rowsTable(rows: readonly Row[], now: number, depth: number, options: TableOptions): string {
  return [...tableHead(options), ...rows.map((row) => tableLine(row, now, depth, options))].join("\n");
}

/** Whether a row asks for a look: anything but the newest build, or held, or frozen. */
export function needsLook(row: Row): boolean {
  return row.state.kind !== "current" || row.hold !== undefined || row.freeze !== undefined;
}

/**
 * `rowsTable` within `budget` (see `textSize`): every row when they fit; else as many as fit, those that
 * need a look first (shown in their order), and below the table `more(n)` for the n rows left out.
 */
export function rowsTableWithin(
  rows: readonly Row[],
  now: number,
  depth: number,
  options: TableOptions & { readonly budget: number; readonly more: (omitted: number) => string },
): string {
  const whole = rowsTable(rows, now, depth, options);
  if (textSize(whole) <= options.budget) return whole;
  const head = tableHead(options);
  const lines = rows.map((row) => tableLine(row, now, depth, options));
  const order = rows
    .map((row, index) => ({ index, first: needsLook(row) }))
    .sort((a, b) => Number(b.first) - Number(a.first) || a.index - b.index);
  const reserve = textSize(head.join("\n")) + textSize(options.more(rows.length)) + 6;
  const { kept } = takeLines(
    order.map(({ index }) => lines[index] ?? ""),
    options.budget - reserve,
  );
  const shown = new Set(order.slice(0, kept.length).map(({ index }) => index));
  const table = [...head, ...lines.filter((_, index) => shown.has(index))].join("\n");
  return `${table}\n\n${options.more(rows.length - shown.size)}`;
}

function commitUrl(repoUrl: string | undefined, sha: string): string | undefined {
  return repoUrl === undefined ? undefined : `${repoUrl}/commit/${sha}`;
}
