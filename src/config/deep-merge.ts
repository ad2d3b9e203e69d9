import { isMapping } from "./is-mapping.js";

/** Mappings merge key by key (the base's order first); a list or value in `local` replaces the base's. */
export function deepMerge(base: unknown, local: unknown): unknown {
  if (!isMapping(base) || !isMapping(local)) return local === undefined ? base : local;
  const merged = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(local)) merged.set(key, deepMerge(merged.get(key), value));
  // fromEntries, not assignment: a `__proto__` key stays a plain key (and an unknown one to the schema).
  return Object.fromEntries(merged);
}
