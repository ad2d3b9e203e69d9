import type { BranchClaim } from "../../core/plan/branch-claims.js";
import type { Comparison } from "../../core/plan/verdict.js";
import { ancestryFields, type AncestryFound } from "./ancestry-fields.js";
import { queryAllowingNotFound } from "./graphql-errors.js";
import type { Octokit } from "./octokit.js";
import { isFullSha } from "../../core/plan/full-sha.js";

export { ANCESTRY_DEPTH } from "./ancestry-fields.js";
/**
 * Heads (and branches) per query: 50 × 100 history nodes stays far below GitHub's 500,000-node limit
 * and 10 s timeout.
 */
const HEADS_PER_QUERY = 50;
const SHORT_SHA = /^[0-9a-f]{7,40}$/i;
const REPO_PART = /^[A-Za-z0-9_.-]+$/;

export interface CommitPair {
  /** `owner/name` of the source repository. */
  readonly repo: string;
  /** The deployed commit (full or abbreviated SHA). */
  readonly base: string;
  /** The build's commit (full SHA). */
  readonly head: string;
}

export interface AncestryAnswers {
  /** Per pair, in order: the answer, or undefined when only a compare can tell. */
  readonly answers: Array<Comparison | undefined>;
  /** Each commit's last ancestors (itself first), keyed `owner/name:sha` in lower case. */
  readonly histories: ReadonlyMap<string, readonly string[]>;
  /**
   * Per branch claim, in order: true when the commit is among its branch head's last 100 commits,
   * false when the branch does not exist (or the claim cannot be named), undefined when only a compare
   * can tell (an older commit, or one GitHub does not have).
   */
  readonly claims: Array<boolean | undefined>;
}

/**
 * Answers many compare questions with one GraphQL query per 50 commits instead of one compare request
 * per pair: `ahead` (or `identical`) when the base is among the head's last 100 ancestors, `behind` when
 * the head is among a full-SHA base's, `unknown` when GitHub does not have the base or the head.
 * `undefined` means only a compare can tell (further apart, or on another line): the caller asks the
 * compare API for those. The histories come back too, to answer later pairs among the same commits.
 * In the same queries, whether each claimed commit is on its branch (`refs/heads/<branch>`, qualified:
 * a tag of the same name is not the branch): a claim rides in the query of its commit, so checking
 * branches adds no query in the common case; claims whose commit is asked about nowhere get their own.
 */
export async function recentAncestry(
  octokit: Octokit,
  pairs: readonly CommitPair[],
  claims: readonly BranchClaim[] = [],
): Promise<AncestryAnswers> {
  const answers: Array<Comparison | undefined> = pairs.map(() => undefined);
  const verdicts: Array<boolean | undefined> = claims.map(() => undefined);
  const asked = pairs.flatMap((pair, index) => (askable(pair) ? [{ pair, index }] : []));
  const claimed = claims.flatMap((claim, index) => (claimable(claim) ? [{ claim, index }] : []));
  // A claim whose repository or commit cannot be named is not on any branch.
  claims.forEach((claim, index) => {
    if (!claimable(claim)) verdicts[index] = false;
  });
  // Heads, and full-SHA bases (another build of the batch, or a full deployed SHA): their histories.
  const commitsOf = (pair: CommitPair) => [
    headKey(pair),
    ...(isFullSha(pair.base) ? [`${pair.repo.toLowerCase()}:${pair.base.toLowerCase()}`] : []),
  ];
  const heads = [...new Set(asked.flatMap(({ pair }) => commitsOf(pair)))];
  const chunkOf = new Map(heads.map((head, index) => [head, Math.floor(index / HEADS_PER_QUERY)]));
  const chunks: { pairs: CommitPair[]; claims: BranchClaim[] }[] = [];
  const chunkAt = (index: number) => (chunks[index] ??= { pairs: [], claims: [] });
  for (const { pair } of asked) {
    // A pair is asked with its head's chunk; a full-SHA base's history with the base's own chunk.
    chunkAt(chunkOf.get(headKey(pair)) ?? 0).pairs.push(pair);
    for (const commit of commitsOf(pair).slice(1))
      chunkAt(chunkOf.get(commit) ?? 0).pairs.push({ repo: pair.repo, base: pair.base, head: pair.base });
  }
  const headChunks = Math.ceil(heads.length / HEADS_PER_QUERY);
  const loose = new Map<string, number>();
  for (const { claim } of claimed) {
    const riding = chunkOf.get(`${claim.repo.toLowerCase()}:${claim.sha.toLowerCase()}`);
    if (riding !== undefined) {
      chunkAt(riding).claims.push(claim);
      continue;
    }
    if (!loose.has(branchKey(claim))) loose.set(branchKey(claim), loose.size);
    chunkAt(headChunks + Math.floor((loose.get(branchKey(claim)) ?? 0) / HEADS_PER_QUERY)).claims.push(claim);
  }
  const ancestors = new Map<string, string[] | null>();
  const bases = new Map<string, string | null>();
  const branches = new Map<string, string[] | null>();
  for (const chunk of chunks) {
    if (chunk === undefined || (chunk.pairs.length === 0 && chunk.claims.length === 0)) continue;
    const found = await ask(octokit, chunk.pairs, chunk.claims);
    for (const [key, value] of found.ancestors) ancestors.set(key, value);
    for (const [key, value] of found.bases) bases.set(key, value);
    for (const [key, value] of found.branches) branches.set(key, value);
  }
  for (const { pair, index } of asked) {
    const headAncestors = ancestors.get(headKey(pair));
    const repo = pair.repo.toLowerCase();
    const base = bases.get(`${repo}:${pair.base.toLowerCase()}`);
    if (headAncestors === null || base === null) answers[index] = "unknown";
    else if (headAncestors === undefined || base === undefined) answers[index] = undefined;
    else if (headAncestors[0] === base) answers[index] = "identical";
    else if (headAncestors.includes(base)) answers[index] = "ahead";
    else if (ancestors.get(`${repo}:${base}`)?.includes(headAncestors[0] ?? "")) answers[index] = "behind";
  }
  for (const { claim, index } of claimed) {
    const history = branches.get(branchKey(claim));
    if (history === null) verdicts[index] = false;
    else if (history?.includes(claim.sha.toLowerCase())) verdicts[index] = true;
  }
  const histories = new Map<string, readonly string[]>();
  for (const [key, value] of ancestors) if (value !== null) histories.set(key, value);
  return { answers, histories, claims: verdicts };
}

function askable(pair: CommitPair): boolean {
  const [owner = "", name = "", ...rest] = pair.repo.split("/");
  return (
    rest.length === 0 &&
    REPO_PART.test(owner) &&
    REPO_PART.test(name) &&
    isFullSha(pair.head) &&
    SHORT_SHA.test(pair.base)
  );
}

function claimable(claim: BranchClaim): boolean {
  const [owner = "", name = "", ...rest] = claim.repo.split("/");
  return (
    rest.length === 0 &&
    REPO_PART.test(owner) &&
    REPO_PART.test(name) &&
    isFullSha(claim.sha) &&
    claim.branch.length > 0
  );
}

function branchKey(claim: BranchClaim): string {
  return `${claim.repo.toLowerCase()}:refs/heads/${claim.branch}`;
}

function headKey(pair: CommitPair): string {
  return `${pair.repo.toLowerCase()}:${pair.head.toLowerCase()}`;
}

/** One query: the pairs' heads' histories, their bases' full oids and the claimed branches' histories. */
async function ask(
  octokit: Octokit,
  pairs: readonly CommitPair[],
  claims: readonly BranchClaim[],
): Promise<AncestryFound> {
  const built = ancestryFields({
    heads: pairs.map(({ repo, head }) => ({ repo, sha: head })),
    bases: pairs.map(({ repo, base }) => ({ repo, sha: base })),
    branches: claims.map(({ repo, branch }) => ({ repo, branch })),
  });
  const answer = await queryAllowingNotFound<Record<string, unknown>>(
    octokit,
    `query(${built.declarations.join(", ")}) { ${built.fields.join(" ")} }`,
    built.variables,
  );
  return built.read(answer);
}
