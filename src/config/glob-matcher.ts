import picomatch from "picomatch";

/** The same glob dialect everywhere: `/` separators on every OS, and `*` also matches names starting with `.`. */
export const GLOB_OPTIONS = { dot: true, windows: false } as const satisfies picomatch.PicomatchOptions;

/** A predicate that is true when any of `globs` matches; no globs match nothing. */
export function globMatcher(
  globs: readonly string[],
  options: { nocase?: boolean } = {},
): (text: string) => boolean {
  if (globs.length === 0) return () => false;
  return picomatch([...globs], { ...GLOB_OPTIONS, ...options });
}
