import type { EnvironmentConfig } from "./config.js";
import { globMatcher } from "./glob-matcher.js";

/** Whether a build of `branch` may deploy to the environment; without `branches`, only the default branch may. */
export function branchAllowed(env: EnvironmentConfig, branch: string, defaultBranch: string): boolean {
  if (env.branches === undefined) return branch === defaultBranch;
  return globMatcher(env.branches)(branch);
}
