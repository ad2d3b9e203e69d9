/** How a value reads to a person: "a list", "the string `yes`", "`1.5`", "empty". */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "empty";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `the string \`${value}\``;
  return `\`${String(value)}\``;
}
