import { CONFIG_PATH } from "./config-path.js";
import type { ConfigResult } from "./config-result.js";
import { checkExtends } from "./value-checks.js";
import { validateConfig } from "./validate-config.js";
import { readYaml } from "./yaml-source.js";

/**
 * Reads a `.github/gitops-image-bot.yml`. Never throws: every problem comes back with its file,
 * line, column and fix, sorted by position. When the file has a valid `_extends`, the result says so
 * (whether or not the file is valid on its own): load the base and use `mergeConfigTexts` instead.
 */
export function parseConfig(text: string, file: string = CONFIG_PATH): ConfigResult {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const result = validateConfig(read.value, [read.source]);
  const base = read.value["_extends"];
  if (typeof base !== "string" || base === "" || checkExtends(base) !== undefined) return result;
  return { ...result, extends: base };
}
