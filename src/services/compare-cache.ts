import { compareCommits } from "../adapters/github/compare-commits.js";
import { recentAncestry } from "../adapters/github/recent-ancestry.js";
import type { Octokit } from "../adapters/github/octokit.js";
import type { Comparison } from "../core/plan/verdict.js";
import { Lru } from "./lru.js";
import { mapLimit } from "./map-limit.js";

/**
 * Compare answers for commit pairs never change: ask GitHub once per pair per process. A batch's pairs
 * are first answered together from the heads' recent history (one GraphQL query per 50 heads); only
 * pairs that history cannot settle (an older build, another line) cost a compare request each.
 */
export class CompareCache {
  private readonly answers = new Lru<string, Comparison>(50_000);

  async fetch(
    octokit: Octokit,
    pairs: readonly { repo: string; base: string; head: string }[],
  ): Promise<void> {
    const missing = pairs.filter((pair) => !this.answers.has(key(pair.repo, pair.base, pair.head)));
    const unique = [...new Map(missing.map((pair) => [key(pair.repo, pair.base, pair.head), pair])).values()];
    if (unique.length === 0) return;
    const settled = await recentAncestry(octokit, unique);
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
  }

  lookup = (repo: string, base: string, head: string): Comparison =>
    this.answers.get(key(repo, base, head)) ?? "unknown";
}

function key(repo: string, base: string, head: string): string {
  return `${repo.toLowerCase()}:${base.toLowerCase()}...${head.toLowerCase()}`;
}
