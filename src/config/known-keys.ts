import { mappingAt, SCHEMA_MAPPINGS, type SchemaMapping } from "./schema-mappings.js";

/** How to say where a mapping is: "at the top level", "in each source (sources[N])", "in `reconcile`". */
export function whereIs(pattern: string): string {
  if (pattern === "") return "at the top level";
  if (pattern === "sources[N]") return "in each source (sources[N])";
  if (pattern === "environments.NAME") return "in each environment (environments.NAME)";
  return pattern.includes(".NAME") || pattern.includes("[N]")
    ? `in each \`${pattern}\``
    : `in \`${pattern}\``;
}

/**
 * The keys the mapping at `path` accepts, and the other mappings of the file with where they are;
 * all derived from the zod schema.
 */
export function knownKeys(path: readonly PropertyKey[]): {
  keys: readonly string[];
  elsewhere: { where: string; keys: readonly string[] }[];
} {
  const here: SchemaMapping | undefined = mappingAt(path);
  return {
    keys: here?.keys ?? [],
    elsewhere: SCHEMA_MAPPINGS.filter((mapping) => mapping !== here).map((mapping) => ({
      where: whereIs(mapping.pattern),
      keys: mapping.keys,
    })),
  };
}
