import { isMapping } from "./is-mapping.js";

/** The value at a zod issue path, or undefined when the path is not there. */
export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === "number") value = value[segment];
    else if (isMapping(value) && typeof segment === "string" && Object.hasOwn(value, segment))
      value = value[segment];
    else return undefined;
  }
  return value;
}
