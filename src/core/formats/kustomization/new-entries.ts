import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from "yaml";
import { contentEnd } from "../../rewrite/content-end.js";
import { insertLines } from "../../rewrite/insert-lines.js";
import { renderScalar } from "../../rewrite/scalar-text.js";
import type { TextEdit } from "../../rewrite/text-edit.js";
import { UnsupportedEdit } from "../../rewrite/unsupported-edit.js";
import { indentBefore, nextLineStart, type YamlFile } from "../../rewrite/yaml-file.js";
import type { EntryValues } from "./entry-fields.js";

export interface NewEntry {
  readonly name: string;
  readonly values: EntryValues;
}

const DASH_PREFIX = /^ *- +$/;

/** The text before a block sequence's first item (`- ` or `  - `), if it is a plain list marker. */
function itemPrefix(text: string, seq: unknown): string | undefined {
  if (!isSeq(seq) || seq.flow === true) return undefined;
  const start = (seq.items[0] as { range?: [number] } | undefined)?.range?.[0];
  if (start === undefined) return undefined;
  const prefix = indentBefore(text, start);
  return DASH_PREFIX.test(prefix) ? prefix : undefined;
}

function entryLines(entries: readonly NewEntry[], prefix: string): string[] {
  const indent = " ".repeat(prefix.length);
  return entries.flatMap(({ name, values }) => [
    `${prefix}name: ${renderScalar(name)}`,
    ...Object.entries(values).map(([key, value]) => `${indent}${key}: ${renderScalar(value)}`),
  ]);
}

/** One edit that adds `entries` to the `images:` list, creating the list if needed. */
export function addEntries(file: YamlFile, root: YAMLMap | null, entries: readonly NewEntry[]): TextEdit {
  const { text } = file;
  const imagesPair = root?.items.find((pair) => isScalar(pair.key) && pair.key.value === "images") as
    Pair<{ range: [number, number, number] }, unknown> | undefined;

  if (imagesPair === undefined) {
    const siblingStyle = root?.items.map((pair) => itemPrefix(text, pair.value)).find((p) => p !== undefined);
    const rootKey = (root?.items[0]?.key as { range?: [number] } | undefined)?.range?.[0] ?? 0;
    const rootIndent = " ".repeat(indentBefore(text, rootKey).length);
    // Follow the file's own list style (`- ` or `  - `), seen on a sibling such as resources:.
    const prefix = siblingStyle ?? `${rootIndent}- `;
    const at =
      root === null || root.items.length === 0 ? text.length : nextLineStart(text, contentEnd(root, 0));
    return insertLines(file, at, [`${rootIndent}images:`, ...entryLines(entries, prefix)]);
  }

  const seq = imagesPair.value;
  const keyIndent = " ".repeat(indentBefore(text, imagesPair.key.range[0]).length);
  if (isSeq(seq) && seq.flow !== true && seq.items.length > 0) {
    const prefix = itemPrefix(text, seq) ?? `${keyIndent}- `;
    return insertLines(file, nextLineStart(text, contentEnd(seq, 0)), entryLines(entries, prefix));
  }
  const lines = entryLines(entries, `${keyIndent}- `);
  // `images: []`, `images: ~` or `images: null`: the value is replaced by the list.
  const isEmptyList = isSeq(seq) && seq.items.length === 0;
  const isNullWord = isScalar(seq) && seq.value === null && seq.range?.[0] !== seq.range?.[1];
  if ((isEmptyList || isNullWord) && seq.range) {
    const colon = text.indexOf(":", imagesPair.key.range[1]);
    return { start: colon + 1, end: seq.range[1], text: file.eol + lines.join(file.eol) };
  }
  if (isScalar(seq) && seq.value === null && seq.range)
    return insertLines(file, nextLineStart(text, seq.range[0]), lines);
  const at = (seq as { range?: [number] } | null)?.range?.[0] ?? imagesPair.key.range[0];
  const what = isMap(seq) ? "a mapping" : isSeq(seq) ? "a flow list ([...])" : "not a list";
  throw new UnsupportedEdit(
    `images: is ${what}; write it as a block list (- name: ...) to let entries be added`,
    at,
  );
}
