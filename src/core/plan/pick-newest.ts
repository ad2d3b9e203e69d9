import { fullName } from "./build.js";
import { compareTags } from "./order.js";
import type { Comparison } from "./verdict.js";
import type { Wanted } from "./wanted.js";

/** `compare(repo, base, head)`: GitHub's status of `base...head` in the source repository `repo`. */
export type CompareLookup = (repo: string, base: string, head: string) => Comparison;

export interface NewestPick {
  readonly newest: Wanted;
  readonly superseded: readonly { readonly wanted: Wanted; readonly by: Wanted }[];
}

/**
 * Several builds of one image in one batch: keep the one that descends from the others. Builds that
 * cannot be ordered (diverged, other repositories, unknown commits) are decided by arrival: the later wins.
 * What a person asked for (a command) beats every automatic build, whatever their order.
 */
export function pickNewest(candidates: readonly Wanted[], compare: CompareLookup): NewestPick {
  const [first, ...rest] = candidates;
  if (first === undefined) throw new Error("pickNewest needs at least one candidate");
  let newest = first;
  const superseded: { wanted: Wanted; by: Wanted }[] = [];
  for (const candidate of rest) {
    if (Boolean(newest.explicit) !== Boolean(candidate.explicit)) {
      const [winner, loser] = newest.explicit ? [newest, candidate] : [candidate, newest];
      superseded.push({ wanted: loser, by: winner });
      newest = winner;
      continue;
    }
    const status = byTags(newest, candidate) ?? byAncestry(newest, candidate, compare);
    if (status === "behind" || status === "identical" || sameTarget(newest, candidate)) {
      superseded.push({ wanted: candidate, by: newest });
    } else {
      superseded.push({ wanted: newest, by: candidate });
      newest = candidate;
    }
  }
  return { newest, superseded };
}

/** What is known already of `base...head` (a cache), or undefined when it has yet to be asked. */
export type KnownLookup = (repo: string, base: string, head: string) => Comparison | undefined;

/**
 * The pairs `pickNewest` will ask about that `known` cannot answer yet, to fetch before calling it. The
 * scan compares each candidate with the newest so far only: at most one question per candidate, never
 * every pair. An unanswered question counts as "unknown" (the later build wins) for the rest of the
 * scan; once answered, the scan may take another path: ask again until no pair is left.
 */
export function comparisonsNeeded(
  candidates: readonly Wanted[],
  known: KnownLookup,
): { repo: string; base: string; head: string }[] {
  const pairs: { repo: string; base: string; head: string }[] = [];
  if (candidates.length < 2) return pairs;
  pickNewest(candidates, (repo, base, head) => {
    const answer = known(repo, base, head);
    if (answer === undefined) pairs.push({ repo, base, head });
    return answer ?? "unknown";
  });
  return pairs;
}

function repoOf(wanted: Wanted): string {
  return fullName(wanted.build.repository).toLowerCase();
}

function byAncestry(newest: Wanted, candidate: Wanted, compare: CompareLookup): Comparison {
  const shas = comparable(newest, candidate);
  return shas ? compare(repoOf(newest), shas[0], shas[1]) : "unknown";
}

/**
 * Where `candidate` stands by an order its tags tell (`build-number`, `semver`), undefined for ancestry.
 * Builds of one image come from one source, so they share its order and template.
 */
function byTags(newest: Wanted, candidate: Wanted): Comparison | undefined {
  const order = newest.order ?? "ancestry";
  if (order === "ancestry" || candidate.order !== order || candidate.tagTemplate !== newest.tagTemplate)
    return undefined;
  return compareTags(order, newest.tagTemplate, newest.tag, candidate.tag);
}

/** The two builds' SHAs when GitHub can order them (same GitHub repository, both known, different). */
function comparable(a: Wanted, b: Wanted): [string, string] | undefined {
  const [shaA, shaB] = [a.build.sha, b.build.sha];
  if (shaA === undefined || shaB === undefined || shaA === shaB || repoOf(a) !== repoOf(b)) return undefined;
  // GitHub orders only its own repositories' commits (a source on another host orders by its tags).
  if (a.build.repository.host !== undefined || b.build.repository.host !== undefined) return undefined;
  return [shaA, shaB];
}

/** The same tag and digest again (a redelivery, a second event for one multi-arch push). */
function sameTarget(a: Wanted, b: Wanted): boolean {
  return a.tag === b.tag && a.digest === b.digest;
}
