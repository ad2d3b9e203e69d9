import { compareCommits } from "../adapters/github/compare-commits.js";
import { recentAncestry } from "../adapters/github/recent-ancestry.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { claimKey, type BranchClaim } from "../core/plan/branch-claims.js";
import type { Comparison } from "../core/plan/verdict.js";
import { Lru } from "./lru.js";
import { mapLimit } from "./map-limit.js";

/** Recent histories kept (about 4 KB each): more than a batch's builds, so a batch's pairs need no new query. */
const HISTORIES_KEPT = 600;
const FULL_SHA = /^[0-9a-f]{40}$/;

type Pair = { readonly repo: string; readonly base: string; readonly head: string };

/**
 * Compare answers for commit pairs never change: ask GitHub once per pair per process. A batch's pairs
 * are first answered together from the commits' recent history (one GraphQL query per 50 commits), and
 * those histories are kept a while: another pair among the same commits (the next step of ordering a
 * batch's builds) is answered from memory. Only pairs that history cannot settle (further apart,
 * another line) cost a compare request each.
 *
 * The same queries tell whether each build's commit is on the branch its run names (`claims`): from
 * the branch head's recent history, else by one compare of the commit with `refs/heads/<branch>`.
 */
export class CompareCache {
  private readonly answers = new Lru<string, Comparison>(50_000);
  /** `owner/name:sha` -> the commit's last ancestors (itself first), newline-joined with a leading newline. */
  private readonly histories = new Lru<string, string>(HISTORIES_KEPT);
  /** Commits seen on their branch (a commit leaves a branch only when it is force-pushed). */
  private readonly onBranch = new Lru<string, true>(50_000);

  /** Fetches the pairs' answers (see `lookup`); resolves with whether each claim's commit is on its branch. */
  async fetch(
    octokit: Octokit,
    pairs: readonly Pair[],
    claims: readonly BranchClaim[] = [],
  ): Promise<boolean[]> {
    const missing = pairs.filter((pair) => this.known(pair.repo, pair.base, pair.head) === undefined);
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

  /** What is known of `base...head` without asking GitHub; undefined when it must be fetched. */
  known = (repo: string, base: string, head: string): Comparison | undefined =>
    this.answers.get(key(repo, base, head)) ?? this.fromHistories(repo.toLowerCase(), base, head);

  lookup = (repo: string, base: string, head: string): Comparison =>
    this.known(repo, base, head) ?? "unknown";

  private async ask(
    octokit: Octokit,
    unique: readonly Pair[],
    claims: readonly BranchClaim[],
  ): Promise<void> {
    const found = await recentAncestry(octokit, unique, claims);
    for (const [commit, ancestors] of found.histories)
      this.histories.set(commit, `\n${ancestors.join("\n")}`);
    unique.forEach((pair, index) => {
      const answer = found.answers[index];
      if (answer === "ahead" || answer === "identical" || answer === "behind") {
        this.answers.set(key(pair.repo, pair.base, pair.head), answer);
        // The same question the other way round.
        this.answers.set(key(pair.repo, pair.head, pair.base), reverse(answer));
      }
    });
    const rest = unique.filter(
      (pair, index) =>
        found.answers[index] === undefined && !this.answers.has(key(pair.repo, pair.base, pair.head)),
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

  private fromHistories(repo: string, base: string, head: string): Comparison | undefined {
    const [b, h] = [base.toLowerCase(), head.toLowerCase()];
    if (!FULL_SHA.test(b) || !FULL_SHA.test(h)) return undefined;
    if (b === h) return this.histories.has(`${repo}:${h}`) ? "identical" : undefined;
    if (this.histories.get(`${repo}:${h}`)?.includes(`\n${b}`)) return "ahead";
    if (this.histories.get(`${repo}:${b}`)?.includes(`\n${h}`)) return "behind";
    return undefined;
  }
}

function reverse(answer: "ahead" | "identical" | "behind"): Comparison {
  return answer === "ahead" ? "behind" : answer === "behind" ? "ahead" : "identical";
}

function key(repo: string, base: string, head: string): string {
  return `${repo.toLowerCase()}:${base.toLowerCase()}...${head.toLowerCase()}`;
}
