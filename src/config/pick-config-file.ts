import { CONFIG_PATH, CONFIG_PATH_YAML } from "./config-path.js";
import type { ConfigProblem } from "./config-result.js";

export interface ConfigFile {
  readonly path: string;
  readonly text: string;
}

export type PickedConfig =
  | { readonly kind: "none" }
  | { readonly kind: "one"; readonly file: ConfigFile }
  /** Both `.yml` and `.yaml`: neither is used, since either could be the one people edit. */
  | { readonly kind: "two"; readonly problems: readonly ConfigProblem[] };

/** The configuration file among those found under the names of `CONFIG_PATHS`. */
export function pickConfigFile(found: readonly ConfigFile[]): PickedConfig {
  const [first, second] = found;
  if (first === undefined) return { kind: "none" };
  if (second === undefined) return { kind: "one", file: first };
  return {
    kind: "two",
    problems: found.map((file) => ({
      file: file.path,
      line: 1,
      column: 1,
      message: `two configuration files: ${CONFIG_PATH} and ${CONFIG_PATH_YAML}; nothing is deployed while both exist`,
      fix: `keep one of them (${CONFIG_PATH} is the documented name) and delete the other`,
    })),
  };
}
