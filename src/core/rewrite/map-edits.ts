import { isAlias, isCollection, isScalar, type Pair, type YAMLMap } from "yaml";
import { insertLines } from "./insert-lines.js";
import { renderScalar } from "./scalar-text.js";
import type { TextEdit } from "./text-edit.js";
import { UnsupportedEdit } from "./unsupported-edit.js";
import { indentBefore, lineStart, nextLineStart, type YamlFile } from "./yaml-file.js";

type AnyPair = Pair<unknown, unknown>;

function range(node: unknown): readonly [number, number, number] | undefined {
  return (node as { range?: [number, number, number] } | null)?.range ?? undefined;
}

export function pairOf(map: YAMLMap, key: string): AnyPair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key) as AnyPair | undefined;
}

/** The value of `key` when it is a scalar string (numbers read as their source text), else undefined. */
export function stringValue(map: YAMLMap, key: string): string | undefined {
  const value = pairOf(map, key)?.value;
  if (!isScalar(value) || value.value === null || value.value === undefined) return undefined;
  return typeof value.value === "string" ? value.value : (value.source ?? String(value.value));
}

function keyStart(pair: AnyPair): number {
  const start = range(pair.key)?.[0];
  if (start === undefined) throw new UnsupportedEdit("a key without a source position", 0);
  return start;
}

function valueEnd(pair: AnyPair): number {
  return range(pair.value)?.[1] ?? range(pair.key)?.[1] ?? keyStart(pair);
}

/** Replaces the text of a pair's scalar value, keeping its quoting style where that stays correct. */
export function replaceValue(file: YamlFile, pair: AnyPair, value: string): TextEdit {
  const node = pair.value;
  const at = keyStart(pair);
  if (isAlias(node))
    throw new UnsupportedEdit(`the value is an alias (*${node.source}) shared with other keys`, at);
  if (!isScalar(node) || node.range === undefined || node.range === null) {
    throw new UnsupportedEdit("the value is not a single scalar", at);
  }
  if (node.type === "BLOCK_LITERAL" || node.type === "BLOCK_FOLDED") {
    throw new UnsupportedEdit("the value is a block scalar (| or >)", at);
  }
  const [start, end] = node.range;
  if (start === end) {
    const before = file.text[start - 1] === ":" ? " " : "";
    const after = file.text[start] === "#" ? " " : "";
    return { start, end, text: `${before}${renderScalar(value)}${after}` };
  }
  return { start, end, text: renderScalar(value, node.type) };
}

/** Adds `key: value` as a new line after the map's last pair, at the indentation of its keys. */
export function insertPair(file: YamlFile, map: YAMLMap, key: string, value: string): TextEdit {
  const first = map.items[0];
  const last = map.items.at(-1);
  const mapStart = range(map)?.[0] ?? 0;
  if (map.flow === true || first === undefined || last === undefined) {
    throw new UnsupportedEdit(
      "the entry is a flow mapping ({ ... }); write it as a block to let keys be added",
      mapStart,
    );
  }
  if (isCollection(last.value))
    throw new UnsupportedEdit("the entry ends with a nested block", keyStart(last));
  const firstKey = keyStart(first);
  const indent = " ".repeat(indentBefore(file.text, firstKey).length);
  const at = nextLineStart(file.text, valueEnd(last));
  return insertLines(file, at, [`${indent}${key}: ${renderScalar(value)}`]);
}

/** Deletes a pair: its whole line, or when it shares the line of a `- `, up to the next key. */
export function removePair(file: YamlFile, map: YAMLMap, pair: AnyPair): TextEdit {
  const { text } = file;
  const start = keyStart(pair);
  const end = valueEnd(pair);
  const lineEnd = nextLineStart(text, end);
  const rest = text.slice(end, lineEnd).trim();
  if (map.flow === true || isCollection(pair.value) || (rest !== "" && !rest.startsWith("#"))) {
    throw new UnsupportedEdit("the key cannot be removed without rewriting its neighbours", start);
  }
  const ownLineStart = lineStart(text, start);
  if (text.slice(ownLineStart, start).trim() === "") {
    if (ownLineStart === 0 && lineEnd === text.length) return { start: 0, end: lineEnd, text: "" };
    // A last line without a line break: take the previous line's break instead.
    const previousBreak = text.slice(0, ownLineStart).endsWith("\r\n") ? 2 : 1;
    const removeStart =
      lineEnd === text.length && !text.endsWith("\n") ? ownLineStart - previousBreak : ownLineStart;
    return { start: removeStart, end: lineEnd, text: "" };
  }
  const next = map.items[map.items.indexOf(pair) + 1];
  const nextStart = next === undefined ? undefined : keyStart(next);
  if (nextStart === undefined || text.slice(lineEnd, nextStart).trim() !== "") {
    throw new UnsupportedEdit(
      "the key shares its line with the list marker and cannot be removed alone",
      start,
    );
  }
  return { start, end: nextStart, text: "" };
}
