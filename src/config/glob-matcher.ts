import picomatch from "picomatch";

/**
 * The same glob dialect everywhere: `/` separators on every OS, `*` also matches names starting with
 * `.`, and a leading `!` is read by `globMatcher` (never by picomatch, which would make a lone
 * `!pattern` match everything else on its own).
 */
export const GLOB_OPTIONS = {
  dot: true,
  windows: false,
  nonegate: true,
} as const satisfies picomatch.PicomatchOptions;

/** A glob of a list split into what it matches and whether it excludes (`!pattern`). */
export function splitNegation(glob: string): { negated: boolean; pattern: string } {
  return glob.startsWith("!") ? { negated: true, pattern: glob.slice(1) } : { negated: false, pattern: glob };
}

/**
 * A predicate over a list of globs, as Renovate reads such lists: `!pattern` excludes. A text matches
 * when it matches at least one plain glob (or the list has none, only exclusions) and no excluding
 * glob, whatever their order: `["acme/*", "!acme/sandbox-*"]` is every acme repository but the
 * sandboxes, `["!wip/*"]` every branch but wip/*. An empty list matches nothing.
 */
export function globMatcher(
  globs: readonly string[],
  options: { nocase?: boolean } = {},
): (text: string) => boolean {
  if (globs.length === 0) return () => false;
  const compile = (patterns: string[]) =>
    patterns.length === 0 ? undefined : picomatch(patterns, { ...GLOB_OPTIONS, ...options });
  const parts = globs.map(splitNegation);
  const include = compile(parts.filter((part) => !part.negated).map((part) => part.pattern));
  const exclude = compile(parts.filter((part) => part.negated).map((part) => part.pattern));
  return (text) => (include === undefined || include(text)) && !(exclude?.(text) ?? false);
}
