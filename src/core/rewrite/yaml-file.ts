import { LineCounter, parseAllDocuments, type Document } from "yaml";

/** A YAML file parsed once, with the positions every edit and message refers to. */
export interface YamlFile {
  readonly path: string;
  readonly text: string;
  readonly docs: readonly Document.Parsed[];
  readonly eol: "\n" | "\r\n";
  readonly lines: LineCounter;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type ParseYamlResult =
  { ok: true; file: YamlFile } | { ok: false; message: string; position: Position };

export function parseYamlFile(path: string, text: string): ParseYamlResult {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  for (const doc of list) {
    const [error] = doc.errors;
    if (error !== undefined) {
      const firstLine = error.message.split("\n")[0] ?? error.message;
      return {
        ok: false,
        message: `YAML does not parse: ${firstLine}`,
        position: positionOf(lines, error.pos[0]),
      };
    }
  }
  return { ok: true, file: { path, text, docs: list, eol: text.includes("\r\n") ? "\r\n" : "\n", lines } };
}

export function positionOf(lines: LineCounter, offset: number): Position {
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/** The text between the start of the line and `offset` (the indentation), a byte-order mark excluded. */
export function indentBefore(text: string, offset: number): string {
  return text.slice(lineStart(text, offset), offset).replace(/^\uFEFF/, "");
}

/** The offset just past the end of the line holding `offset` (past its line break), or the text's end. */
export function nextLineStart(text: string, offset: number): number {
  const newline = text.indexOf("\n", offset);
  return newline === -1 ? text.length : newline + 1;
}
