import { isMap, isScalar, type Document } from "yaml";
import type { TextEdit } from "./text-edit.js";

/** The edited root keys of a document, and the span of text they occupy. */
export interface RootRegion {
  readonly start: number;
  readonly end: number;
  readonly keys: readonly string[];
}

/**
 * When a document's root is a block mapping with its keys at column 0, the text from the first edited
 * key to the key after the last edited one is a document of its own holding just those keys. Undefined
 * when that does not hold, or when anchors or aliases could tie the region to the rest.
 */
export function rootRegion(
  text: string,
  doc: Document.Parsed,
  edits: readonly TextEdit[],
): RootRegion | undefined {
  const root = doc.contents;
  if (!isMap(root) || root.flow === true || root.items.length === 0 || root.tag !== undefined)
    return undefined;
  const [docStart, , docEnd] = doc.range;
  if (/[&*]/.test(text.slice(docStart, docEnd))) return undefined;
  const starts: number[] = [];
  const keys: string[] = [];
  for (const pair of root.items) {
    const key = pair.key;
    if (!isScalar(key) || typeof key.value !== "string" || key.range === undefined || key.range === null)
      return undefined;
    const start = key.range[0];
    if (start !== 0 && text[start - 1] !== "\n") return undefined;
    starts.push(start);
    keys.push(key.value);
  }
  const owner = (offset: number) => starts.findLastIndex((start) => start <= offset);
  // An edit touches the key it starts in and the key it ends in (inclusive: ending at a key's first
  // character can change that key's line). Lines inserted at a key's start also touch the key before.
  const touched = edits.flatMap((edit) => [
    owner(edit.start === edit.end ? edit.start - 1 : edit.start),
    owner(edit.end),
  ]);
  const first = Math.min(...touched);
  const last = Math.max(...touched);
  if (first < 0) return undefined;
  // The last key's region runs to the end of the text, so whatever follows the document is parsed too.
  return {
    start: starts[first] ?? docStart,
    end: starts[last + 1] ?? text.length,
    keys: keys.slice(first, last + 1),
  };
}
