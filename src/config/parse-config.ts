import { CONFIG_PATH } from "./config-path.js";
import type { ConfigResult } from "./config-result.js";
import { checkExtends } from "./value-checks.js";
import { validateConfig } from "./validate-config.js";
import { readYaml } from "./yaml-source.js";
import { locate } from "./locate.js";

/**
 * Reads a `.github/gitops-image-bot.yml`. Never throws: every problem comes back with its file,
 * line, column and fix, sorted by position. When the file has a valid `_extends`, the result says so
 * (whether or not the file is valid on its own): load the base and use `mergeConfigTexts` instead.
 * `baseUnread` (the CLI, which cannot read the base): keys the base may provide are not required.
 */
export function parseConfig(
  text: string,
  file: string = CONFIG_PATH,
  options: { baseUnread?: boolean } = {},
): ConfigResult {
  const read = readYaml(text, file);
  if (!read.ok) return read;
  const base = read.value["_extends"];
  const extendsBase = typeof base === "string" && base !== "" && checkExtends(base) === undefined;
  const result = validateConfig(read.value, [read.source], {
    baseUnread: extendsBase && options.baseUnread === true,
  });
  if (!extendsBase) return result;
  const { line, column } = locate([read.source], ["_extends"], "value");
  return { ...result, extends: base, extendsAt: { line, column } };
}
