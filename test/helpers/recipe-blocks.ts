import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A fenced code block of a Markdown file: its info string's language and `key=value` words. */
export interface CodeBlock {
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  /** `recipe=jenkins` -> { recipe: "jenkins" }; a bare word -> { word: "" }. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * The fenced code blocks of a Markdown text (``` or ~~~ fences, CommonMark's rule that the closing
 * fence is at least as long as the opening one). GitHub highlights by the info string's first word and
 * ignores the rest, so `sh recipe=jenkins` renders as an ordinary `sh` block.
 */
export function codeBlocks(markdown: string, file = ""): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let index = 0; index < lines.length; index++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[index] ?? "");
    if (!open?.[1]) continue;
    const fence = open[1];
    const [lang = "", ...words] = (open[2] ?? "").trim().split(/\s+/);
    const body: string[] = [];
    let end = index + 1;
    for (; end < lines.length; end++) {
      const line = lines[end] ?? "";
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close?.[1] && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(line);
    }
    const attrs = Object.fromEntries(
      words
        .filter((word) => word !== "")
        .map((word) => {
          const at = word.indexOf("=");
          return at < 0 ? [word, ""] : [word.slice(0, at), word.slice(at + 1)];
        }),
    );
    blocks.push({ file, line: index + 1, lang, attrs, text: body.length ? `${body.join("\n")}\n` : "" });
    index = end;
  }
  return blocks;
}

export const RECIPES_DIR = join(process.cwd(), "docs", "recipes");

/** The blocks of docs/recipes/<name>. */
export function recipeBlocks(name: string): CodeBlock[] {
  return codeBlocks(readFileSync(join(RECIPES_DIR, name), "utf8"), `docs/recipes/${name}`);
}

/** The one block marked `recipe=<name>` in the file (a test fails loudly if there is none or several). */
export function recipe(file: string, name: string): CodeBlock {
  const found = recipeBlocks(file).filter((block) => block.attrs["recipe"] === name);
  if (found.length !== 1)
    throw new Error(`docs/recipes/${file}: ${found.length} blocks marked recipe=${name}`);
  return found[0]!;
}
