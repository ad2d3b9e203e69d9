import { configSchema, environmentSchema, reportSchema, sourceSchema } from "./config-schema.js";

/** The keys each kind of mapping accepts, and how to say where that mapping is. */
const KINDS = [
  { where: "at the top level", keys: Object.keys(configSchema.shape) },
  { where: "in each source (sources[N])", keys: Object.keys(sourceSchema.shape) },
  { where: "in each environment (environments.NAME)", keys: Object.keys(environmentSchema.shape) },
  { where: "in report", keys: Object.keys(reportSchema.shape) },
] as const;

/** The keys the mapping at `path` accepts, and the other kinds of mapping. */
export function knownKeys(path: readonly PropertyKey[]): {
  keys: readonly string[];
  elsewhere: (typeof KINDS)[number][];
} {
  const index = path.length === 0 ? 0 : path[0] === "sources" ? 1 : path[0] === "environments" ? 2 : 3;
  return { keys: KINDS[index]?.keys ?? [], elsewhere: KINDS.filter((_, i) => i !== index) };
}
