import { fullName } from "./build.js";
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
    const shas = comparable(newest, candidate);
    const status = shas ? compare(repoOf(newest), shas[0], shas[1]) : "unknown";
    if (status === "behind" || status === "identical" || sameTarget(newest, candidate)) {
      superseded.push({ wanted: candidate, by: newest });
    } else {
      superseded.push({ wanted: newest, by: candidate });
      newest = candidate;
    }
  }
  return { newest, superseded };
}

/** The pairs `pickNewest` may ask about, to fetch before calling it. */
export function comparisonsNeeded(
  candidates: readonly Wanted[],
): { repo: string; base: string; head: string }[] {
  const pairs: { repo: string; base: string; head: string }[] = [];
  candidates.forEach((a, i) =>
    candidates.slice(i + 1).forEach((b) => {
      const shas = comparable(a, b);
      if (!shas) return;
      pairs.push({ repo: repoOf(a), base: shas[0], head: shas[1] });
      pairs.push({ repo: repoOf(a), base: shas[1], head: shas[0] });
    }),
  );
  return pairs;
}

function repoOf(wanted: Wanted): string {
  return fullName(wanted.build.repository).toLowerCase();
}

/** The two builds' SHAs when GitHub can order them (same repository, both known, different). */
function comparable(a: Wanted, b: Wanted): [string, string] | undefined {
  const [shaA, shaB] = [a.build.sha, b.build.sha];
  if (shaA === undefined || shaB === undefined || shaA === shaB || repoOf(a) !== repoOf(b)) return undefined;
  return [shaA, shaB];
}

/** The same tag and digest again (a redelivery, a second event for one multi-arch push). */
function sameTarget(a: Wanted, b: Wanted): boolean {
  return a.tag === b.tag && a.digest === b.digest;
}
