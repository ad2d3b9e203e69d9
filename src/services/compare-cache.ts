import { compareCommits } from "../adapters/github/compare-commits.js";
import { recentAncestryAndBranches } from "../adapters/github/recent-ancestry.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { claimKey, type BranchClaim } from "../core/plan/branch-claims.js";
import type { Comparison } from "../core/plan/verdict.js";
import { Lru } from "./lru.js";
import { mapLimit } from "./map-limit.js";

/**
 * Compare answers for commit pairs never change: ask GitHub once per pair per process. A batch's pairs
 * are first answered together from the heads' recent history (one GraphQL query per 50 heads); only
 * pairs that history cannot settle (an older build, another line) cost a compare request each.
 *
 * The same queries tell whether each build's commit is on the branch its run names (`claims`): from
 * the branch head's recent history, else by one compare of the commit with `refs/heads/<branch>`.
 */
export class CompareCache {
  private readonly answers = new Lru<string, Comparison>(50_000);
  /** Commits seen on their branch (a commit leaves a branch only when it is force-pushed). */
  private readonly onBranch = new Lru<string, true>(50_000);

  /** Fetches the pairs' answers (see `lookup`); resolves with whether each claim's commit is on its branch. */
  async fetch(
    octokit: Octokit,
    pairs: readonly { repo: string; base: string; head: string }[],
    claims: readonly BranchClaim[] = [],
  ): Promise<boolean[]> {
    const missing = pairs.filter((pair) => !this.answers.has(key(pair.repo, pair.base, pair.head)));
    const unique = [...new Map(missing.map((pair) => [key(pair.repo, pair.base, pair.head), pair])).values()];
    const open = [
      ...new Map(
        claims
          .filter((claim) => !this.onBranch.has(claimKey(claim)))
          .map((claim) => [claimKey(claim), claim]),
      ).values(),
    ];
    if (unique.length > 0 || open.length > 0) await this.ask(octokit, unique, open);
    return claims.map((claim) => this.onBranch.has(claimKey(claim)));
  }

  private async ask(
    octokit: Octokit,
    unique: readonly { repo: string; base: string; head: string }[],
    claims: readonly BranchClaim[],
  ): Promise<void> {
    const found = await recentAncestryAndBranches(octokit, unique, claims);
    const settled = found.pairs;
    unique.forEach((pair, index) => {
      const answer = settled[index];
      if (answer === "ahead" || answer === "identical") {
        this.answers.set(key(pair.repo, pair.base, pair.head), answer);
        // The same question the other way round: the older of two builds is behind the newer.
        this.answers.set(key(pair.repo, pair.head, pair.base), answer === "ahead" ? "behind" : answer);
      }
    });
    const rest = unique.filter(
      (pair, index) =>
        settled[index] === undefined && !this.answers.has(key(pair.repo, pair.base, pair.head)),
    );
    await mapLimit(rest, 8, async (pair) => {
      const [owner, name] = pair.repo.split("/") as [string, string];
      const status = await compareCommits(octokit, { owner, name }, pair.base, pair.head);
      // An unknown commit may appear later (a push not yet visible): do not remember that answer.
      if (status !== "unknown") this.answers.set(key(pair.repo, pair.base, pair.head), status);
    });
    const unsettled = claims.filter((claim, index) => {
      if (found.claims[index] === true) this.onBranch.set(claimKey(claim), true);
      return found.claims[index] === undefined;
    });
    await mapLimit(unsettled, 8, async (claim) => {
      const [owner, name] = claim.repo.split("/") as [string, string];
      // Qualified: git resolves a bare `main` as the tag `main` when there is one.
      const status = await compareCommits(octokit, { owner, name }, claim.sha, `refs/heads/${claim.branch}`);
      if (status === "ahead" || status === "identical") this.onBranch.set(claimKey(claim), true);
    });
  }

  lookup = (repo: string, base: string, head: string): Comparison =>
    this.answers.get(key(repo, base, head)) ?? "unknown";
}

function key(repo: string, base: string, head: string): string {
  return `${repo.toLowerCase()}:${base.toLowerCase()}...${head.toLowerCase()}`;
}
