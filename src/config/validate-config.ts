import type { z } from "zod";
import { closestWord } from "./closest-word.js";
import { configSchema } from "./config-schema.js";
import type { ConfigProblem, ConfigResult } from "./config-result.js";
import { issueToProblems } from "./issue-to-problems.js";
import { knownKeys } from "./known-keys.js";
import { locate } from "./locate.js";
import { toConfig } from "./to-config.js";
import { valueAt } from "./value-at.js";
import type { YamlSource } from "./yaml-source.js";

/** Validates a configuration value read from `sources` (the winning file first), problems in file order, then by position. */
export function validateConfig(
  value: unknown,
  sources: readonly [YamlSource, ...YamlSource[]],
  options: { baseUnread?: boolean } = {},
): ConfigResult {
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return { ok: true, config: toConfig(parsed.data) };
  const misspelt = misspeltKeys(parsed.error.issues, value);
  const problems = parsed.error.issues
    .filter((issue) => !(issue.code === "invalid_type" && misspelt.has(JSON.stringify(issue.path))))
    .filter((issue) => !(options.baseUnread === true && mayComeFromBase(issue, value)))
    .flatMap((issue) => issueToProblems(issue, value, (path, at) => locate(sources, path, at)));
  return {
    ok: false,
    problems: sortProblems(
      problems,
      sources.map((source) => source.file),
    ),
  };
}

/**
 * A missing key a base could provide: `_extends` merges mappings key by key, so a key missing along
 * a path of mappings only may come from the base; one inside a list item may not (lists replace).
 */
function mayComeFromBase(issue: z.core.$ZodIssue, value: unknown): boolean {
  return (
    issue.code === "invalid_type" &&
    valueAt(value, issue.path) === undefined &&
    issue.path.every((segment) => typeof segment === "string")
  );
}

/** Paths of keys an unknown key is a likely typo of (`enviroments`): their "missing" problem would only repeat it. */
function misspeltKeys(issues: readonly z.core.$ZodIssue[], value: unknown): Set<string> {
  const paths = new Set<string>();
  for (const issue of issues) {
    if (issue.code !== "unrecognized_keys") continue;
    for (const key of issue.keys) {
      const meant = closestWord(key, knownKeys(issue.path).keys);
      if (meant === undefined) continue;
      const path = [...issue.path, meant];
      if (valueAt(value, path) === undefined) paths.add(JSON.stringify(path));
    }
  }
  return paths;
}

export function sortProblems(problems: readonly ConfigProblem[], files: readonly string[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems
    .filter((problem) => {
      const key = JSON.stringify(problem);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.line - b.line || a.column - b.column);
}
