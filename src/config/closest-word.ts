/**
 * The candidate a typo most likely meant, or undefined when none is close: compared without case,
 * `_` and `-` (so `merge_method` finds `mergeMethod`), within an edit distance of about a third of
 * the word, or when one is a prefix of the other (`batchWindow` finds `batchWindowSeconds`).
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const typed = normalize(word);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const known = normalize(candidate);
    const distance = typed.length >= 4 && known.startsWith(typed) ? 0 : editDistance(typed, known);
    if (
      distance <= Math.max(1, Math.floor(known.length / 3)) &&
      (best === undefined || distance < best.distance)
    ) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

function normalize(word: string): string {
  return word.toLowerCase().replace(/[_-]/g, "");
}

/** Levenshtein distance, one row at a time. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
