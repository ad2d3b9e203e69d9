import { EXPECTED } from "./expected-type.js";

/** How to fix a value of the wrong type, from what was expected and what is there. */
export function wrongTypeFix(expected: string, value: unknown, path: readonly PropertyKey[]): string {
  if (expected === "boolean") {
    return typeof value === "string" && /^(yes|no|on|off|y|n)$/i.test(value)
      ? `write true or false (YAML 1.2 reads \`${value}\` as a string)`
      : "write true or false";
  }
  if (expected === "array") {
    return typeof value === "string" || typeof value === "number"
      ? `write a list, even of one item: \`[${JSON.stringify(value)}]\``
      : "write a list: one `- item` per line, or `[a, b]`";
  }
  if (expected === "object" || expected === "record") {
    if (path[0] === "environments" && path.length === 2)
      return 'each environment is a mapping, e.g. `prod: { paths: ["apps/*/overlays/prod/**"] }`';
    if (path[0] === "environments" && path.length === 1)
      return "write each environment's name as a key, with its settings indented under it";
    return "write the keys indented under it";
  }
  if (expected === "string") {
    return typeof value === "number" || typeof value === "boolean"
      ? `quote it: \`"${String(value)}"\``
      : "write it as text";
  }
  if (
    expected === "number" &&
    typeof value === "string" &&
    value.trim() !== "" &&
    !Number.isNaN(Number(value))
  ) {
    return `remove the quotes: \`${value.trim()}\``;
  }
  if (expected === "int" && typeof value === "number") return `use a whole number, e.g. ${Math.round(value)}`;
  return `write ${EXPECTED[expected] ?? expected}`;
}
