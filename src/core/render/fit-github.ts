/**
 * GitHub's limits on the text the app writes, and fitting Markdown into them.
 *
 * GitHub refuses (422) an issue or pull request body or a comment over 65,536 characters, a title over
 * 256, a check run summary or text over 65,535 characters or UTF-8 bytes, a commit or deployment status
 * description over 140, and more than 50 check annotations in one request. It counts characters as
 * Unicode code points. The app measures on the safe side of that: code points, plus one for every line
 * break (GitHub may store a body with CRLF line endings), or UTF-8 bytes where bytes are limited too.
 */
export const GITHUB_LIMITS = {
  title: 256,
  issueBody: 65_536,
  comment: 65_536,
  /** Check run `output.summary` and `output.text`, in characters and in UTF-8 bytes. */
  checkOutput: 65_535,
  statusDescription: 140,
  annotationsPerRequest: 50,
} as const;

/** How a limit counts: characters (code points) or UTF-8 bytes; line breaks count one more either way. */
export type Measure = "characters" | "bytes";

/** The size of `text` as the app measures it against a GitHub limit (see the module's comment). */
export function textSize(text: string, measure: Measure = "characters"): number {
  let size = 0;
  for (const char of text) {
    const point = char.codePointAt(0) ?? 0;
    if (measure === "characters") size += 1;
    else size += point < 0x80 ? 1 : point < 0x800 ? 2 : point < 0x10000 ? 3 : 4;
    if (point === 0x0a) size += 1;
  }
  return size;
}

/** One line within `max` code points: cut at a whole code point, with `…` for what was cut. */
export function clipLine(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/** The first `lines` that fit `budget` (each with its line break), and how many did not. */
export function takeLines(
  lines: readonly string[],
  budget: number,
  measure: Measure = "characters",
): { kept: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const size = textSize(line, measure) + 2;
    if (used + size > budget) break;
    used += size;
    kept.push(line);
  }
  return { kept, omitted: lines.length - kept.length };
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

/**
 * `text` when it fits `max`; else its first whole lines, an open code fence closed, and a last line
 * saying how many lines were left out (`note`, or a sentence naming GitHub's limit). A first line
 * longer than the whole limit is clipped.
 */
export function fitText(
  text: string,
  max: number,
  options: { measure?: Measure; note?: (omitted: number) => string } = {},
): string {
  const measure = options.measure ?? "characters";
  if (textSize(text, measure) <= max) return text;
  const note =
    options.note ??
    ((omitted: number) =>
      `_… ${plural(omitted, "more line")} not shown: GitHub takes at most ${max} characters._`);
  const lines = text.split("\n");
  // Room for the note (its digits at their widest), a closing fence and the blank line before the note.
  const reserve = textSize(note(lines.length), measure) + 16;
  const room = max - reserve;
  const { kept, omitted } = takeLines(lines, room, measure);
  if (kept.length === 0) {
    // One line longer than the limit: as much of it as fits (a code point is at most 4 bytes).
    const first = clipLine(lines[0] ?? "", Math.max(1, measure === "bytes" ? Math.floor(room / 4) : room));
    return `${first}\n\n${note(omitted)}\n`;
  }
  const fence = openFence(kept);
  return `${kept.join("\n")}${fence ? `\n${fence}` : ""}\n\n${note(omitted)}\n`;
}

/** The marker of a code fence left open at the end of `lines`, if one is. */
function openFence(lines: readonly string[]): string | undefined {
  let open: string | undefined;
  for (const line of lines) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker === undefined) continue;
    if (open === undefined) open = marker;
    else if (marker.charAt(0) === open.charAt(0) && marker.length >= open.length) open = undefined;
  }
  return open;
}
