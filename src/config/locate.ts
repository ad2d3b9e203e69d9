import { isAlias, isMap, isNode, isScalar, isSeq } from "yaml";
import { position, type YamlSource } from "./yaml-source.js";

export interface Position {
  file: string;
  line: number;
  column: number;
}

interface Found {
  source: YamlSource;
  node: unknown;
  key: unknown;
}

/**
 * Where a path of the (merged) configuration is written. `sources` are the files it was merged
 * from, the file that wins first: a mapping in both merges key by key, anything else comes whole
 * from the first file that has it. `at: "key"` points at the key itself; `"value"` at its value (or
 * at the key when the value is empty). A path that is not written anywhere, such as a missing
 * required key, points at the deepest parent that is: its key, or its first line.
 */
export function locate(
  sources: readonly [YamlSource, ...YamlSource[]],
  path: readonly PropertyKey[],
  at: "key" | "value",
): Position {
  let layer: [Found, ...Found[]] = [{ source: sources[0], node: sources[0].doc.contents, key: undefined }];
  for (const source of sources.slice(1)) layer.push({ source, node: source.doc.contents, key: undefined });
  for (const segment of path) {
    const children = layer.flatMap(({ source, node }) => {
      const child = childOf(source, node, segment);
      return child === undefined ? [] : [{ source, ...child }];
    });
    const [top, ...rest] = children;
    if (top === undefined) return positionOf(layer[0].source, layer[0].key ?? layer[0].node);
    layer = isMap(top.node) ? [top, ...rest.filter((child) => isMap(child.node))] : [top];
  }
  const { source, node, key } = layer[0];
  if (at === "key") return positionOf(source, key ?? node);
  const empty = isScalar(node) && node.value === null;
  return positionOf(source, empty ? (key ?? node) : node);
}

function childOf(
  source: YamlSource,
  parent: unknown,
  segment: PropertyKey,
): { node: unknown; key: unknown } | undefined {
  const node = isAlias(parent) ? parent.resolve(source.doc) : parent;
  if (isMap(node)) {
    const pair = node.items.find(({ key }) => isScalar(key) && String(key.value) === String(segment));
    return pair === undefined ? undefined : { node: pair.value, key: pair.key };
  }
  if (isSeq(node) && typeof segment === "number") {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { node: item, key: undefined };
  }
  return undefined;
}

function positionOf(source: YamlSource, node: unknown): Position {
  const offset = isNode(node) ? node.range?.[0] : undefined;
  return { file: source.file, ...(offset === undefined ? { line: 1, column: 1 } : position(source, offset)) };
}
