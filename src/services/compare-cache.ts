import type { AncestryFound } from "../adapters/github/ancestry-fields.js";
import { compareCommits } from "../adapters/github/compare-commits.js";
import { recentAncestry } from "../adapters/github/recent-ancestry.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { claimKey, type BranchClaim } from "../core/plan/branch-claims.js";
import type { Comparison } from "../core/plan/verdict.js";
import { Lru } from "./lru.js";
import { mapLimit } from "./map-limit.js";
import { isFullSha } from "../core/plan/full-sha.js";

/**
 * Recent histories kept (about 4 KB each, 4 MB in all): twice what one batch may ask (400 builds and
 * branches, 100 deployed commits), so a batch's histories are still here when it is planned.
 */
const HISTORIES_KEPT = 1000;
const SHORT_SHA = /^[0-9a-f]{7,40}$/;

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
  /**
   * Branches' recent histories read with a snapshot (`owner/name:refs/heads/<branch>`): a claim among
   * them is confirmed, one not among them goes straight to a compare (which asks the branch as it is now).
   */
  private readonly branches = new Lru<string, string>(HISTORIES_KEPT);
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
    const unconfirmed = [
      ...new Map(
        claims
          .filter((claim) => !this.onBranch.has(claimKey(claim)))
          .map((claim) => [claimKey(claim), claim]),
      ).values(),
    ];
    // A branch whose history was read with the snapshot: confirmed from it, else only a compare tells.
    const history = (claim: BranchClaim) => this.branches.get(`${claim.repo}:refs/heads/${claim.branch}`);
    for (const claim of unconfirmed)
      if (history(claim)?.includes(`\n${claim.sha}`)) this.onBranch.set(claimKey(claim), true);
    const open = unconfirmed.filter((claim) => !this.onBranch.has(claimKey(claim)) && !history(claim));
    const compared = unconfirmed.filter((claim) => !this.onBranch.has(claimKey(claim)) && history(claim));
    if (unique.length > 0 || open.length > 0) await this.ask(octokit, unique, open);
    await this.compareClaims(octokit, compared);
    return claims.map((claim) => this.onBranch.has(claimKey(claim)));
  }

  /**
   * Histories read elsewhere (the batch's snapshot query carries the builds' commits' histories and
   * their claimed branches'): kept as if this cache had asked, so the guard's pairs among them, and
   * claims their branch's history confirms, need no request.
   */
  remember(found: AncestryFound): void {
    for (const [commit, ancestors] of found.ancestors)
      if (ancestors !== null) this.histories.set(commit, `\n${ancestors.join("\n")}`);
    for (const [branch, commits] of found.branches)
      if (commits !== null) this.branches.set(branch, `\n${commits.join("\n")}`);
  }

  /** Whether `sha`'s recent history is at hand (a question about it would read nothing new). */
  hasHistory = (repo: string, sha: string): boolean =>
    this.histories.has(`${repo.toLowerCase()}:${sha.toLowerCase()}`);

  /** Whether the claim's commit is known to be on its branch (seen there, or in its branch's history read). */
  confirmed = (claim: BranchClaim): boolean =>
    this.onBranch.has(claimKey(claim)) ||
    (this.branches.get(`${claim.repo}:refs/heads/${claim.branch}`)?.includes(`\n${claim.sha}`) ?? false);

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
    // A head whose history is at hand did not settle its pair (an older build, a base further back,
    // another line): a compare tells, rather than a query reading that history again; unless the base
    // is a full SHA whose own history is not at hand: one query reads every such base (whether GitHub
    // has it, and whether the head is among its ancestors), where one compare each would be needed.
    const read = unique.filter(
      (pair) =>
        !this.hasHistory(pair.repo, pair.head) ||
        (isFullSha(pair.base) && !this.hasHistory(pair.repo, pair.base)),
    );
    const found = await recentAncestry(octokit, read, claims);
    for (const [commit, ancestors] of found.histories)
      this.histories.set(commit, `\n${ancestors.join("\n")}`);
    read.forEach((pair, index) => {
      const answer = found.answers[index];
      if (answer === "ahead" || answer === "identical" || answer === "behind") {
        this.answers.set(key(pair.repo, pair.base, pair.head), answer);
        // The same question the other way round.
        this.answers.set(key(pair.repo, pair.head, pair.base), reverse(answer));
      }
    });
    const settled = new Set(read.filter((_pair, index) => found.answers[index] !== undefined));
    const rest = unique.filter(
      (pair) => !settled.has(pair) && this.known(pair.repo, pair.base, pair.head) === undefined,
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
    await this.compareClaims(octokit, unsettled);
  }

  /** Whether each claim's commit is on its branch, by one compare each with `refs/heads/<branch>`. */
  private async compareClaims(octokit: Octokit, claims: readonly BranchClaim[]): Promise<void> {
    await mapLimit(claims, 8, async (claim) => {
      const [owner, name] = claim.repo.split("/") as [string, string];
      // Qualified: git resolves a bare `main` as the tag `main` when there is one.
      const status = await compareCommits(octokit, { owner, name }, claim.sha, `refs/heads/${claim.branch}`);
      if (status === "ahead" || status === "identical") this.onBranch.set(claimKey(claim), true);
    });
  }

  private fromHistories(repo: string, base: string, head: string): Comparison | undefined {
    const [b, h] = [base.toLowerCase(), head.toLowerCase()];
    if (!isFullSha(h)) return undefined;
    if (!isFullSha(b)) {
      // An abbreviated base (a `{sha:7}` tag): one of the head's last commits begins with it.
      if (!SHORT_SHA.test(b)) return undefined;
      const history = this.histories.get(`${repo}:${h}`);
      if (history?.startsWith(`\n${b}`)) return "identical";
      return history?.includes(`\n${b}`) ? "ahead" : undefined;
    }
    if (b === h) return this.histories.has(`${repo}:${h}`) ? "identical" : undefined;
    if (this.histories.get(`${repo}:${h}`)?.includes(`\n${b}`)) return "ahead";
    if (this.histories.get(`${repo}:${b}`)?.includes(`\n${h}`)) return "behind";
    return undefined;
  }
}

function reverse(answer: Comparison): Comparison {
  return answer === "ahead" ? "behind" : answer === "behind" ? "ahead" : answer;
}

function key(repo: string, base: string, head: string): string {
  return `${repo.toLowerCase()}:${base.toLowerCase()}...${head.toLowerCase()}`;
}
