import { isScalar, type Document } from "yaml";
import type { Change, ValuePath } from "./rewrite-types.js";
import { sameValue } from "./same-value.js";
import { needsQuotes } from "./scalar-text.js";
import { rootRegion } from "./root-region.js";
import type { TextEdit } from "./text-edit.js";
import { lineStart, nextLineStart, parseYamlFile, type YamlFile } from "./yaml-file.js";
import { MAX_ALIAS_COUNT } from "./file-limits.js";

/** The parse refused documents whose aliases expand past this; the comparisons keep to the same bound. */
const TO_JS = { maxAliasCount: MAX_ALIAS_COUNT };

type Container = Record<string | number, unknown>;

/** Sets (or deletes, for undefined) a value inside plain data, creating the lists and maps on the way. */
function setPath(root: unknown, path: ValuePath, value: string | undefined): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  const container = (root ?? (typeof head === "number" ? [] : {})) as Container;
  if (rest.length === 0 && value === undefined) Reflect.deleteProperty(container, head);
  else container[head] = setPath(container[head], rest, value);
  return container;
}

/**
 * Where an offset of the original text lands in the edited text. An insertion exactly at `offset` is
 * counted before it when `afterInsertions` (the end of a span), after it otherwise (a start).
 */
function shifted(offset: number, edits: readonly TextEdit[], afterInsertions = false): number {
  let delta = 0;
  for (const edit of edits) {
    const before = edit.end < offset || (edit.end === offset && (edit.start < offset || afterInsertions));
    if (before) delta += edit.text.length - (edit.end - edit.start);
  }
  return offset + delta;
}

const STRUCTURE_LINE = /^(?:---|\.\.\.)(?:[ \t]|$)|^%/m;

/**
 * False when the file has directives (`%YAML`), or when a line an edit touches, before or after it, is
 * a document marker or a directive: such an edit can move document boundaries, so only a full parse of
 * the edited text will do. True when re-parsing just the edited part is sound.
 */
function canScope(text: string, newText: string, edits: readonly TextEdit[]): boolean {
  if (/(^|\n)%/.test(text)) return false;
  return !edits.some((edit) => {
    const before = text.slice(lineStart(text, edit.start), nextLineStart(text, edit.end));
    const start = shifted(edit.start, edits);
    const after = newText.slice(
      lineStart(newText, start),
      nextLineStart(newText, shifted(edit.end, edits, true)),
    );
    return STRUCTURE_LINE.test(before) || STRUCTURE_LINE.test(after);
  });
}

/**
 * The edited documents re-parsed on their own. Documents without edits are byte-identical and an alias
 * cannot cross documents, so only the edited ones need parsing again. A single document, an edit at a
 * document's edge, or a file that cannot be scoped is re-parsed whole.
 */
function reparsed(
  file: YamlFile,
  newText: string,
  edits: readonly TextEdit[],
  scopable: boolean,
): (Document.Parsed | undefined)[] | string {
  const ranges = file.docs.map((doc) => doc.range);
  const scoped =
    scopable &&
    file.docs.length > 1 &&
    edits.every((edit) => ranges.some(([start, , end]) => edit.start > start && edit.end < end));
  if (!scoped) {
    const whole = parseYamlFile(file.path, newText);
    return whole.ok ? [...whole.file.docs] : `the edited text does not parse (${whole.message})`;
  }
  const docs: (Document.Parsed | undefined)[] = [];
  for (const [start, , end] of ranges) {
    if (!edits.some((edit) => edit.start > start && edit.end < end)) {
      docs.push(undefined);
      continue;
    }
    const slice = parseYamlFile(file.path, newText.slice(shifted(start, edits), shifted(end, edits, true)));
    if (!slice.ok) return `the edited text does not parse (${slice.message})`;
    if (slice.file.docs.length !== 1) return "the edit changed the number of YAML documents";
    docs.push(slice.file.docs[0]);
  }
  return docs;
}

/**
 * Checks a single document through the root keys the edits touched (see rootRegion); undefined when
 * that shortcut does not apply, so the caller re-parses.
 */
function verifyRegion(
  file: YamlFile,
  newText: string,
  edits: readonly TextEdit[],
  changes: readonly Change[],
): { problem: string | undefined } | undefined {
  const [doc, second] = file.docs;
  if (doc === undefined || second !== undefined) return undefined;
  const region = rootRegion(file.text, doc, edits);
  if (region === undefined) return undefined;
  const old = (doc.toJS(TO_JS) ?? {}) as Record<string, unknown>;
  // Every change must fall in the region, or be a key the document does not have yet.
  const covered = changes.every((change) => {
    const key = String(change.path[0]);
    return region.keys.includes(key) || !Object.hasOwn(old, key);
  });
  if (!covered) return undefined;
  const slice = parseYamlFile(
    file.path,
    newText.slice(shifted(region.start, edits), shifted(region.end, edits, true)),
  );
  if (!slice.ok) return { problem: `the edited text does not parse (${slice.message})` };
  const [after, extra] = slice.file.docs;
  if (after === undefined || extra !== undefined)
    return { problem: "the edit changed the number of YAML documents" };
  let expected: unknown = Object.fromEntries(region.keys.map((key) => [key, old[key]]));
  for (const change of changes) expected = setPath(expected, change.path, change.to);
  const added = Object.keys(expected as object).filter((key) => !region.keys.includes(key));
  if (added.some((key) => Object.hasOwn(old, key)))
    return { problem: "the edit would add a key the document already has" };
  if (!sameValue(expected, after.toJS(TO_JS))) {
    return { problem: "the edit would change more than the planned values in document 1" };
  }
  return { problem: checkWrittenValues([after], changes) };
}

function checkWrittenValues(
  docs: readonly (Document.Parsed | undefined)[],
  changes: readonly Change[],
): string | undefined {
  for (const change of changes) {
    if (change.to === undefined) continue;
    const node = docs[change.docIndex]?.getIn(change.path, true);
    const where = `${change.path.join(".")} (line ${change.line})`;
    if (!isScalar(node) || node.value !== change.to) return `${where} does not read back as "${change.to}"`;
    if (node.type === "PLAIN" && needsQuotes(change.to)) {
      return `${where} would be read as a number or boolean by YAML 1.1 or kustomize, not as "${change.to}"`;
    }
  }
  return undefined;
}

/**
 * Re-parses the edited text and checks that exactly the planned values changed: the edited part equals
 * the original with the changes applied, and every written value reads back as that exact string.
 * Returns what is wrong, or undefined.
 */
export function verifyRewrite(
  file: YamlFile,
  newText: string,
  edits: readonly TextEdit[],
  changes: readonly Change[],
): string | undefined {
  const scopable = canScope(file.text, newText, edits);
  const region = scopable ? verifyRegion(file, newText, edits, changes) : undefined;
  if (region !== undefined) return region.problem;
  const docs = reparsed(file, newText, edits, scopable);
  if (typeof docs === "string") return docs;
  // An empty file has no document; it gains one when a kustomization is written into it.
  const before = file.docs.length === 0 ? [null] : file.docs;
  if (docs.length !== before.length) return "the edit changed the number of YAML documents";
  for (const [index, doc] of before.entries()) {
    const after = docs[index];
    if (after === undefined) continue;
    let expected = doc === null ? null : doc.toJS(TO_JS);
    for (const change of changes) {
      if (change.docIndex === index) expected = setPath(expected, change.path, change.to);
    }
    if (!sameValue(expected, after.toJS(TO_JS))) {
      return `the edit would change more than the planned values in document ${index + 1}`;
    }
  }
  return checkWrittenValues(docs, changes);
}
