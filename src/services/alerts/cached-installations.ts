/**
 * The app's installations, listed at most once per `ttlMs` (an alert names no repository, so every
 * notification asks which installations there are); a failed listing is not kept.
 */
export function cachedInstallations(
  list: () => Promise<readonly number[]>,
  ttlMs: number,
  now: () => number,
): () => Promise<readonly number[]> {
  let cached: { at: number; ids: Promise<readonly number[]> } | undefined;
  return () => {
    if (cached && now() - cached.at < ttlMs) return cached.ids;
    const ids = list();
    const entry = { at: now(), ids };
    cached = entry;
    ids.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return ids;
  };
}
