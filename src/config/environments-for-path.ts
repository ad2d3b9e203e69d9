import type { Config } from "./config.js";
import { globMatcher } from "./glob-matcher.js";

type Matchers = ReadonlyArray<readonly [name: string, matches: (path: string) => boolean]>;

/** Each configuration's environment globs, compiled once (a tree of thousands of paths is screened). */
const compiled = new WeakMap<Config["environments"], Matchers>();

function matchers(environments: Config["environments"]): Matchers {
  let found = compiled.get(environments);
  if (found === undefined) {
    found = Object.entries(environments).map(
      ([name, environment]) => [name, globMatcher(environment.paths)] as const,
    );
    compiled.set(environments, found);
  }
  return found;
}

/** The environments whose path globs match a repository path, in the configuration's order. */
export function environmentsForPath(config: Config, path: string): string[] {
  return matchers(config.environments).flatMap(([name, matches]) => (matches(path) ? [name] : []));
}
