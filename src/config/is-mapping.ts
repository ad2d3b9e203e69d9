/** A plain mapping, as YAML's toJS builds one for a map: not null, not a list. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
