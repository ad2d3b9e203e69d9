import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";
import { typedError } from "./errors.js";

type Node = Record<string, unknown>;

export interface PageArgs {
  readonly first?: number | null;
  readonly last?: number | null;
  readonly after?: string | null;
  readonly before?: string | null;
}

/** GitHub's cap on `first` and `last`. */
const MAX_PAGE = 100;

const CURSOR_PREFIX = "cursor:v2:";

function encodeCursor(key: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${key}`).toString("base64");
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64").toString("utf8");
  const key = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(key)) {
    throw typedError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  }
  return key;
}

/** Whether the query lists the connection's items (`nodes` or `edges`), through fragments too. */
function listsItems(info: GraphQLResolveInfo): boolean {
  const visit = (set: SelectionSetNode | undefined): boolean =>
    (set?.selections ?? []).some((selection) => {
      if (selection.kind === Kind.FIELD)
        return selection.name.value === "nodes" || selection.name.value === "edges";
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      return visit(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((field) => visit(field.selectionSet));
}

/**
 * One page of a connection as GitHub serves it: items in their listed order, each with a cursor made of
 * its key (an id, so a cursor stays valid when items are added); `first`/`after` and `last`/`before`;
 * `totalCount` of all items. Listing `nodes` or `edges` without `first` or `last` is
 * MISSING_PAGINATION_BOUNDARIES, more than 100 is EXCESSIVE_PAGINATION, as on GitHub.
 */
export function pageOf<T>(
  items: readonly T[],
  args: PageArgs,
  options: {
    /** The connection's field name, as GitHub's messages name it (`checkSuites`). */
    readonly field: string;
    readonly info: GraphQLResolveInfo;
    /** A unique key, increasing (or, with `descending`, decreasing) along `items`. */
    readonly key: (item: T) => number;
    readonly descending?: boolean;
    readonly node: (item: T) => Node;
  },
): Node {
  const { field, key } = options;
  for (const bound of ["first", "last"] as const) {
    const value = args[bound];
    if (typeof value === "number" && value > MAX_PAGE) {
      throw typedError(
        "EXCESSIVE_PAGINATION",
        `Requesting ${value} records on the \`${field}\` connection exceeds the \`${bound}\` limit of ${MAX_PAGE} records.`,
      );
    }
  }
  if (typeof args.first !== "number" && typeof args.last !== "number" && listsItems(options.info)) {
    throw typedError(
      "MISSING_PAGINATION_BOUNDARIES",
      `You must provide a \`first\` or \`last\` value to properly paginate the \`${field}\` connection.`,
    );
  }
  // `a` comes after `b` in the listed order.
  const later = (a: number, b: number) => (options.descending ? a < b : a > b);
  const after = typeof args.after === "string" ? decodeCursor(args.after) : undefined;
  const before = typeof args.before === "string" ? decodeCursor(args.before) : undefined;
  const window = items.filter(
    (item) =>
      (after === undefined || later(key(item), after)) && (before === undefined || later(before, key(item))),
  );
  let start = 0;
  let end = window.length;
  if (typeof args.first === "number") end = Math.min(end, start + Math.max(0, args.first));
  if (typeof args.last === "number") start = Math.max(start, end - Math.max(0, args.last));
  const page = window.slice(start, end);
  const nodes = page.map(options.node);
  const cursors = page.map((item) => encodeCursor(key(item)));
  return {
    __typename: "Connection",
    totalCount: items.length,
    nodes,
    edges: nodes.map((node, index) => ({ node, cursor: cursors[index] })),
    pageInfo: {
      // Items cut off by the page size, or lying beyond the cursor the page was asked from.
      hasNextPage: end < window.length || (before !== undefined && items.some((i) => !later(before, key(i)))),
      hasPreviousPage: start > 0 || (after !== undefined && items.some((i) => !later(key(i), after))),
      startCursor: cursors[0] ?? null,
      endCursor: cursors.at(-1) ?? null,
    },
  };
}
