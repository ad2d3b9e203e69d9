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

/** One `/`-separated part of a glob: `**` (any number of whole segments), or a pattern for one segment. */
type Step =
  { readonly globstar: true } | { readonly globstar: false; readonly test: (segment: string) => boolean };

/**
 * The segments of a glob, split at each `/` outside brackets and braces; undefined when a brace holds a
 * `/` (the config checks refuse that: a glob that cannot be split matches nothing).
 */
export function globSegments(glob: string): string[] | undefined {
  const segments: string[] = [];
  let current = "";
  let braces = 0;
  let bracket = false;
  for (let i = 0; i < glob.length; i += 1) {
    const char = glob.charAt(i);
    if (char === "\\") {
      current += glob.slice(i, i + 2);
      i += 1;
      continue;
    }
    if (bracket) bracket = char !== "]";
    else if (char === "[") bracket = true;
    else if (char === "{") braces += 1;
    else if (char === "}" && braces > 0) braces -= 1;
    else if (char === "/") {
      if (braces > 0) return undefined;
      segments.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  segments.push(current);
  return segments;
}

/**
 * A glob as a predicate that runs in time linear in the text for a given glob: each segment of the glob
 * is a picomatch pattern for one segment of the text (the config checks allow at most one `*` in it and
 * no extglobs, so its regular expression cannot backtrack more than once over the segment), and `**`
 * segments are states of a set that advances one text segment at a time, never a regular expression
 * that tries every way to split the text (picomatch's own for a glob with three `**` is cubic in it).
 * `steps` counts the segment tests, for the tests that bound it.
 */
export function compileGlob(
  glob: string,
  options: { nocase?: boolean } = {},
  steps?: { count: number },
): (text: string) => boolean {
  const segments = globSegments(glob);
  if (segments === undefined) return () => false;
  const plan: Step[] = segments.map((segment) =>
    segment === "**"
      ? { globstar: true }
      : { globstar: false, test: picomatch(segment, { ...GLOB_OPTIONS, ...options }) },
  );
  const close = (states: Set<number>): Set<number> => {
    for (const state of states) if (plan[state]?.globstar) states.add(state + 1);
    return states;
  };
  return (text) => {
    let states = close(new Set([0]));
    for (const part of text.split("/")) {
      const next = new Set<number>();
      for (const state of states) {
        const step = plan[state];
        if (step === undefined) continue;
        if (steps) steps.count += 1;
        if (step.globstar) {
          if (part !== "." && part !== "..") next.add(state);
        } else if (step.test(part)) next.add(state + 1);
      }
      if (next.size === 0) return false;
      states = close(next);
    }
    return states.has(plan.length);
  };
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
  const compile = (patterns: string[]) => {
    if (patterns.length === 0) return undefined;
    const tests = patterns.map((pattern) => compileGlob(pattern, options));
    return (text: string) => tests.some((test) => test(text));
  };
  const parts = globs.map(splitNegation);
  const include = compile(parts.filter((part) => !part.negated).map((part) => part.pattern));
  const exclude = compile(parts.filter((part) => part.negated).map((part) => part.pattern));
  return (text) => (include === undefined || include(text)) && !(exclude?.(text) ?? false);
}
