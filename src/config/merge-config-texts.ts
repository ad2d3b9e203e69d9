import type { ConfigResult } from "./config-result.js";
import { deepMerge } from "./deep-merge.js";
import { sortProblems, validateConfig } from "./validate-config.js";
import { readYaml } from "./yaml-source.js";

export interface ConfigText {
  text: string;
  file: string;
}

/**
 * Validates `local` laid over the `base` its `_extends` names: mappings merge key by key, lists and
 * values in `local` replace the base's, and the base's own `_extends` is ignored (one level, no
 * chains). Each problem names the file and line its key came from, `local`'s problems first; give the
 * two files names that tell them apart (`acme/.github:.github/gitops-image-bot.yml`). Never throws.
 */
export function mergeConfigTexts(base: ConfigText, local: ConfigText): ConfigResult {
  const readLocal = readYaml(local.text, local.file);
  const readBase = readYaml(base.text, base.file);
  if (!readLocal.ok || !readBase.ok) {
    const problems = [...(readLocal.ok ? [] : readLocal.problems), ...(readBase.ok ? [] : readBase.problems)];
    return { ok: false, problems: sortProblems(problems, [local.file, base.file]) };
  }
  const baseValue = Object.fromEntries(Object.entries(readBase.value).filter(([key]) => key !== "_extends"));
  return validateConfig(deepMerge(baseValue, readLocal.value), [readLocal.source, readBase.source]);
}
