import type { Config, SourceConfig } from "./config.js";
import { globMatcher } from "./glob-matcher.js";

/**
 * The first source whose repository globs match `owner/name`, ignoring case as GitHub does. A source
 * with a `host` matches only repositories on that host (`host` given, case-insensitive); one without
 * only GitHub's (`host` undefined).
 */
export function matchSource(
  config: Config,
  repoFullName: string,
  host: string | undefined = undefined,
): SourceConfig | undefined {
  const wantedHost = host?.toLowerCase();
  return config.sources.find(
    (source) =>
      source.host === wantedHost && globMatcher(source.repositories, { nocase: true })(repoFullName),
  );
}
