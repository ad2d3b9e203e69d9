import { LineCounter, parseAllDocuments, visit, type Document } from "yaml";
import {
  MAX_ALIAS_COUNT,
  MAX_MANIFEST_BYTES,
  refusalText,
  textTooLarge,
  type FileRefusal,
} from "./file-limits.js";

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
  { ok: true; file: YamlFile } | { ok: false; message: string; position: Position; refusal?: FileRefusal };

/**
 * Parses a file with positions. A text over `MAX_MANIFEST_BYTES` is refused unparsed, and a document
 * whose aliases expand past `MAX_ALIAS_COUNT` is refused before anything walks it (`refusal` says which).
 */
export function parseYamlFile(path: string, text: string): ParseYamlResult {
  const bytes = textTooLarge(text);
  if (bytes !== undefined) {
    const refusal: FileRefusal = { reason: "file-too-large", bytes, limit: MAX_MANIFEST_BYTES };
    return { ok: false, message: refusalText(refusal), position: { line: 1, column: 1 }, refusal };
  }
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
  for (const doc of list) {
    const refusal = aliasRefusal(doc, lines);
    if (refusal) {
      const position = { line: refusal.line, column: refusal.column };
      return { ok: false, message: refusalText(refusal), position, refusal };
    }
  }
  return { ok: true, file: { path, text, docs: list, eol: text.includes("\r\n") ? "\r\n" : "\n", lines } };
}

/**
 * A document whose aliases expand too far, found as the \`yaml\` library counts it: only documents with
 * aliases are converted (\`toJS\` with \`maxAliasCount\`, which stops at the limit instead of expanding).
 */
function aliasRefusal(
  doc: Document.Parsed,
  lines: LineCounter,
): Extract<FileRefusal, { reason: "too-many-aliases" }> | undefined {
  let aliases = 0;
  let first: number | undefined;
  visit(doc, {
    Alias(_key, node) {
      aliases++;
      first ??= node.range?.[0];
    },
  });
  if (aliases === 0) return undefined;
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    return undefined;
  } catch (error) {
    // An alias without its anchor is also a ReferenceError: the formats and verification refuse that one.
    if (!(error instanceof ReferenceError) || !/Excessive alias count/.test(error.message)) return undefined;
    return { reason: "too-many-aliases", aliases, limit: MAX_ALIAS_COUNT, ...positionOf(lines, first ?? 0) };
  }
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
