import {
  Kind,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";

/**
 * GitHub's node limit: "Individual calls cannot request more than 500,000 total nodes" (docs.github.com,
 * "Rate limits and query limits for the GraphQL API"). A connection asked with `first`/`last: n` counts
 * n nodes for each node it sits in: 50 repositories with `issues(first: 10)` each are 50 + 500 nodes.
 * Beyond the limit GitHub runs nothing and answers HTTP 200 with
 * `{"errors": [{"type": "MAX_NODE_LIMIT_EXCEEDED", "message": "This query requests up to 2,010,050
 * possible nodes which exceeds the maximum limit of 500,000."}]}` (an answer quoted in public trackers).
 */
export const MAX_NODES = 500_000;

/** The nodes a query may return at most, counted as GitHub counts them (see `MAX_NODES`). */
export function possibleNodes(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): number {
  const size = (value: ValueNode | undefined): number | undefined => {
    if (value?.kind === Kind.INT) return Number(value.value);
    if (value?.kind === Kind.VARIABLE) {
      const bound = variables[value.name.value];
      return typeof bound === "number" ? bound : undefined;
    }
    return undefined;
  };
  const visit = (set: SelectionSetNode | undefined, multiplier: number, seen: Set<string>): number => {
    let total = 0;
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) total += visit(selection.selectionSet, multiplier, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value;
        if (seen.has(name)) continue;
        total += visit(fragments.get(name)?.selectionSet, multiplier, new Set([...seen, name]));
      } else {
        const argument = (name: string) => selection.arguments?.find((arg) => arg.name.value === name)?.value;
        const page = size(argument("first")) ?? size(argument("last"));
        if (page === undefined) total += visit(selection.selectionSet, multiplier, seen);
        else total += multiplier * page + visit(selection.selectionSet, multiplier * page, seen);
      }
    }
    return total;
  };
  return visit(operation.selectionSet, 1, new Set());
}

/** GitHub's error for a query beyond `MAX_NODES`, or undefined when it fits. */
export function nodeLimitError(nodes: number): { type: string; message: string } | undefined {
  if (nodes <= MAX_NODES) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  return {
    type: "MAX_NODE_LIMIT_EXCEEDED",
    message: `This query requests up to ${count(nodes)} possible nodes which exceeds the maximum limit of ${count(MAX_NODES)}.`,
  };
}
