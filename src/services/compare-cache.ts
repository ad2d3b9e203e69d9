import { compareCommits } from "../adapters/github/compare-commits.js";
import type { Octokit } from "../adapters/github/octokit.js";
import type { Comparison } from "../core/plan/verdict.js";
import { Lru } from "./lru.js";
import { mapLimit } from "./map-limit.js";

/** Compare answers for commit pairs never change: ask GitHub once per pair per process. */
export class CompareCache {
  private readonly answers = new Lru<string, Comparison>(50_000);

  async fetch(
    octokit: Octokit,
    pairs: readonly { repo: string; base: string; head: string }[],
  ): Promise<void> {
    const missing = pairs.filter((pair) => !this.answers.has(key(pair.repo, pair.base, pair.head)));
    const unique = [...new Map(missing.map((pair) => [key(pair.repo, pair.base, pair.head), pair])).values()];
    await mapLimit(unique, 8, async (pair) => {
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
