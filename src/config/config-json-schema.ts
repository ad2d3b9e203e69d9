import { z } from "zod";
import { configSchema } from "./config-schema.js";

/** The schema's `$id`: a name, not an address, until the project has a public home for it. */
export const CONFIG_SCHEMA_ID = "urn:gitops-image-bot:config";

/**
 * The JSON Schema of the configuration file, generated from the zod schema. It describes the input
 * side (what a person writes: optional keys and their defaults); checks zod runs in code, such as
 * glob syntax and tag templates, appear only in the descriptions.
 */
export function configJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(configSchema, { io: "input", target: "draft-2020-12" });
  return { $schema, $id: CONFIG_SCHEMA_ID, ...schema };
}
