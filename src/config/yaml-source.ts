import { LineCounter, parseDocument, type Document } from "yaml";
import type { ConfigProblem } from "./config-result.js";
import { isMapping } from "./is-mapping.js";
import { kindOf } from "./kind-of.js";

/** A parsed configuration file: its name, its YAML nodes (for positions) and its plain value. */
export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

export type ReadYamlResult =
  { ok: true; source: YamlSource; value: Record<string, unknown> } | { ok: false; problems: ConfigProblem[] };

/** Parses one file; fails with every syntax error yaml reports, or when the file is not a mapping. */
export function readYaml(text: string, file: string): ReadYamlResult {
  const lineCounter = new LineCounter();
  // Without a byte-order mark, columns on the first line count as editors count them.
  const doc = parseDocument(text.replace(/^\uFEFF/, ""), { lineCounter, merge: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? 1,
        column: error.linePos?.[0].col ?? 1,
        message: `not valid YAML: ${error.message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "")}`,
        fix:
          YAML_FIXES[error.code] ??
          "correct the YAML syntax there: indent with spaces, close quotes and brackets",
      })),
    };
  }
  const source = { file, doc, lineCounter };
  const start = position(source, doc.contents?.range?.[0] ?? 0);
  if (doc.contents === null) {
    return {
      ok: false,
      problems: [{ file, ...start, message: "the configuration file is empty", fix: START_FIX }],
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [
        {
          file,
          ...start,
          message: `the YAML cannot be read: ${reason}`,
          fix: "remove the alias (*name) or define its anchor (&name) before it",
        },
      ],
    };
  }
  if (!isMapping(value)) {
    return {
      ok: false,
      problems: [
        {
          file,
          ...start,
          message: `the configuration is ${kindOf(value)}, not a mapping of keys`,
          fix: START_FIX,
        },
      ],
    };
  }
  return { ok: true, source, value };
}

export function position(source: YamlSource, offset: number): { line: number; column: number } {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

const START_FIX =
  'start from the top-level keys, e.g. `sources: [{ repositories: ["acme/*"] }]` and `environments: { prod: { paths: ["apps/*/overlays/prod/**"] } }` (see docs/configuration.md)';

const YAML_FIXES: Readonly<Record<string, string>> = {
  DUPLICATE_KEY: "remove one of the two keys, or rename it",
  TAB_AS_INDENT: "indent with spaces; YAML does not allow tabs",
  BAD_INDENT:
    "check the indentation (spaces, like the other keys at its level) and that every [ and { is closed",
  MULTIPLE_DOCS: "keep a single YAML document: remove the second `---` and merge what follows",
  BLOCK_AS_IMPLICIT_KEY: "put the nested mapping on its own lines, indented under its key",
  MISSING_CHAR: "add the missing closing quote or bracket",
  MULTILINE_IMPLICIT_KEY: "keep a key on one line, or quote it",
  BAD_DQ_ESCAPE: "escape a backslash in double quotes as \\\\, or use single quotes",
};
