import type { Config } from "./config.js";
import { globMatcher } from "./glob-matcher.js";

/** The environments whose path globs match a repository path, in the configuration's order. */
export function environmentsForPath(config: Config, path: string): string[] {
  return Object.entries(config.environments)
    .filter(([, environment]) => globMatcher(environment.paths)(path))
    .map(([name]) => name);
}
