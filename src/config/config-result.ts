import type { Config } from "./config.js";

/** One thing wrong with a configuration file: where (1-based), what, and how to fix it. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/**
 * The outcome of reading a configuration. `extends` is the file's `_extends` (Probot's convention):
 * when it is set, load that base and call `mergeConfigTexts`, whose result is the one to use; a local
 * file that relies on its base for required keys is not valid on its own.
 */
export type ConfigResult =
  | { ok: true; config: Config; extends?: string; extendsAt?: ConfigPosition }
  | { ok: false; problems: ConfigProblem[]; extends?: string; extendsAt?: ConfigPosition };

/** Where the `_extends` value is written, for a problem with the base it names. */
export interface ConfigPosition {
  line: number;
  column: number;
}
