import type { z } from "zod";
import { configSchema } from "./config-schema.js";

/** A mapping the configuration schema accepts: where it is (`sources[N]`, `environments.NAME.commands`) and its keys. */
export interface SchemaMapping {
  /** The path with `[N]` for any list index and `.NAME` for any key of a record; "" at the top. */
  readonly pattern: string;
  readonly keys: readonly string[];
}

type Step = { kind: "index" } | { kind: "name" } | { kind: "key"; key: string };

/** The schema under wrappers that do not change the shape of the value (optional, default, pipe ...). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === "optional" || def.type === "default" || def.type === "nullable" || def.type === "prefault")
    return unwrap(def["innerType"] as z.core.$ZodType);
  if (def.type === "pipe") return unwrap(def["in"] as z.core.$ZodType);
  return schema;
}

function walk(schema: z.core.$ZodType, steps: Step[], found: { steps: Step[]; keys: string[] }[]): void {
  const inner = unwrap(schema);
  const def = inner._zod.def as unknown as Record<string, unknown> & { type: string };
  if (def.type === "object") {
    const shape = def["shape"] as Record<string, z.core.$ZodType>;
    found.push({ steps, keys: Object.keys(shape) });
    for (const [key, child] of Object.entries(shape)) walk(child, [...steps, { kind: "key", key }], found);
  } else if (def.type === "array") {
    walk(def["element"] as z.core.$ZodType, [...steps, { kind: "index" }], found);
  } else if (def.type === "record") {
    walk(def["valueType"] as z.core.$ZodType, [...steps, { kind: "name" }], found);
  }
}

function render(steps: readonly Step[]): string {
  return steps
    .map((step, i) =>
      step.kind === "index" ? "[N]" : step.kind === "name" ? ".NAME" : `${i === 0 ? "" : "."}${step.key}`,
    )
    .join("");
}

const MAPPINGS = (() => {
  const found: { steps: Step[]; keys: string[] }[] = [];
  walk(configSchema, [], found);
  return found.map(({ steps, keys }) => ({ steps, mapping: { pattern: render(steps), keys } }));
})();

/** Every mapping of the configuration, derived from the zod schema (so a new key is known at once). */
export const SCHEMA_MAPPINGS: readonly SchemaMapping[] = MAPPINGS.map(({ mapping }) => mapping);

/** The mapping of the schema at a zod issue path (`["environments", "prod", "commands"]`), if any. */
export function mappingAt(path: readonly PropertyKey[]): SchemaMapping | undefined {
  return MAPPINGS.find(
    ({ steps }) =>
      steps.length === path.length &&
      steps.every((step, i) => {
        const segment = path[i];
        if (step.kind === "index") return typeof segment === "number";
        if (step.kind === "name") return typeof segment === "string";
        return segment === step.key;
      }),
  )?.mapping;
}
