import type { TextEdit } from "./text-edit.js";
import type { YamlFile } from "./yaml-file.js";

/** Inserts whole lines at a line start `at`, keeping a missing final newline missing. */
export function insertLines(file: YamlFile, at: number, lines: readonly string[]): TextEdit {
  const body = lines.join(file.eol);
  const atEndWithoutNewline = at === file.text.length && file.text !== "" && !file.text.endsWith("\n");
  return { start: at, end: at, text: atEndWithoutNewline ? `${file.eol}${body}` : `${body}${file.eol}` };
}
