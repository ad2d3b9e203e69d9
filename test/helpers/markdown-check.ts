// What of a Markdown text GitHub would read as syntax: the text with every code span and every
// backslash-escaped character replaced by `·` (CommonMark's inline rules for the two that matter here: a
// code span opens at a backtick run and closes at the next run of the same length, else the run is
// literal; a backslash escapes ASCII punctuation). What is left is what can still become a link, an
// image, HTML, emphasis, a mention or a reference.

const PUNCTUATION = /[!-/:-@[-`{-~]/;

export function activeText(markdown: string): string {
  let out = "";
  let i = 0;
  while (i < markdown.length) {
    const char = markdown.charAt(i);
    if (char === "\\" && PUNCTUATION.test(markdown.charAt(i + 1))) {
      out += "·";
      i += 2;
      continue;
    }
    if (char === "`") {
      const open = runAt(markdown, i);
      let j = i + open;
      let close = -1;
      while (j < markdown.length) {
        if (markdown.charAt(j) !== "`") {
          j += 1;
          continue;
        }
        const run = runAt(markdown, j);
        if (run === open) {
          close = j;
          break;
        }
        j += run;
      }
      if (close >= 0) {
        out += "·";
        i = close + open;
      } else {
        out += markdown.slice(i, i + open);
        i += open;
      }
      continue;
    }
    out += char;
    i += 1;
  }
  return out;
}

function runAt(text: string, at: number): number {
  let n = 0;
  while (text.charAt(at + n) === "`") n += 1;
  return n;
}

/** The content of `markdown` when it is exactly one code span (CommonMark's space stripping applied). */
export function codeSpanContent(markdown: string): string | undefined {
  const open = runAt(markdown, 0);
  if (open === 0 || runAt(markdown, markdown.length - open) !== open) return undefined;
  const inner = markdown.slice(open, markdown.length - open);
  if (activeText(markdown) !== "·") return undefined;
  return inner.length >= 2 && inner.startsWith(" ") && inner.endsWith(" ") && inner.trim() !== ""
    ? inner.slice(1, -1)
    : inner;
}

/** How GFM splits a table row into cells: at pipes not escaped by a backslash (before code spans). */
export function tableCells(row: string): string[] {
  const cells: string[] = [];
  let current = "";
  for (let i = 0; i < row.length; i += 1) {
    const char = row.charAt(i);
    if (char === "\\" && i + 1 < row.length) {
      current += char + row.charAt(i + 1);
      i += 1;
    } else if (char === "|") {
      cells.push(current);
      current = "";
    } else current += char;
  }
  cells.push(current);
  return cells.slice(1, -1);
}

/**
 * What in `markdown` came from the hostile strings and is still live: a link or image to the evil
 * host, raw HTML, a mention of a team or a user, an issue reference, a bare link, a heading, a quote or
 * a list item started by a line break, emphasis or math from the hostile text.
 */
export function liveHostileSyntax(markdown: string): string[] {
  const active = activeText(markdown);
  const found: string[] = [];
  const patterns: [string, RegExp][] = [
    ["link or image", /\]\(https?:\/\/evil|!\[/],
    ["html", /<(img|details (open|data)|summary>open|script|a href|!-- hidden)/i],
    ["mention", /@(acme|alice|mallory|team)\b/i],
    ["entity", /&(#\d+|[a-z]+);/i],
    ["issue reference", /#(123|4)\b|GH-5\b/],
    ["bare link", /https?:\/\/evil|www\.evil/],
    ["block from a line break", /\n(# pwned|- item|> quote|1\. one)/],
    ["emphasis or math", /\*\*bold\*\*|~~strike~~|\$x\^2\$/],
  ];
  for (const [name, pattern] of patterns) if (pattern.test(active)) found.push(name);
  return found;
}
