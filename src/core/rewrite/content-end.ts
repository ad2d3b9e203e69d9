import { isCollection, isPair } from "yaml";

type Ranged = { range?: readonly [number, number, number] | null };

/**
 * The offset where a node's own text ends. A block collection's range runs on into the next line's
 * indentation, so for block collections this is the end of the last scalar inside; a flow
 * collection ends at its closing bracket.
 */
export function contentEnd(node: unknown, fallback: number): number {
  if (isCollection(node) && node.flow !== true) {
    const last = node.items.at(-1);
    if (last === undefined) return (node as Ranged).range?.[1] ?? fallback;
    if (isPair(last)) return contentEnd(last.value ?? last.key, contentEnd(last.key, fallback));
    return contentEnd(last, fallback);
  }
  return (node as Ranged | null)?.range?.[1] ?? fallback;
}
