import { isScalar } from "yaml";
import type { Change, ValuePath } from "./rewrite-types.js";
import { sameValue } from "./same-value.js";
import { needsQuotes } from "./scalar-text.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";

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
 * Re-parses the edited text and checks that exactly the planned values changed: every document equals
 * the original with the changes applied, and every written value reads back as that exact string.
 * Returns what is wrong, or undefined.
 */
export function verifyRewrite(
  file: YamlFile,
  newText: string,
  changes: readonly Change[],
): string | undefined {
  const reparsed = parseYamlFile(file.path, newText);
  if (!reparsed.ok) return `the edited text does not parse (${reparsed.message})`;
  const docs = reparsed.file.docs;
  // An empty file has no document; it gains one when a kustomization is written into it.
  const before = file.docs.length === 0 ? [null] : file.docs;
  if (docs.length !== before.length) return "the edit changed the number of YAML documents";
  for (const [index, doc] of before.entries()) {
    let expected = doc === null ? null : doc.toJS();
    for (const change of changes) {
      if (change.docIndex === index) expected = setPath(expected, change.path, change.to);
    }
    if (!sameValue(expected, docs[index]?.toJS())) {
      return `the edit would change more than the planned values in document ${index + 1}`;
    }
  }
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
