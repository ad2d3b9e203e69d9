import type { Config, SourceConfig } from "./config.js";
import { globMatcher } from "./glob-matcher.js";

/** The first source whose repository globs match `owner/name`, ignoring case as GitHub does. */
export function matchSource(config: Config, repoFullName: string): SourceConfig | undefined {
  return config.sources.find((source) => globMatcher(source.repositories, { nocase: true })(repoFullName));
}
