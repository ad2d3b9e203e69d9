import { branchClaims, withoutBranches } from "../../core/plan/branch-claims.js";
import { comparisonsForBatch, type BatchInput } from "../../core/plan/plan-batch.js";
import type { CompareCache } from "../compare-cache.js";
import type { Logger } from "../deployer.js";
import type { Batch } from "./batch.js";

/**
 * Rounds of ordering questions per batch: each round asks what the scan for the newest build needs
 * given the answers so far (usually one round: the builds' histories answer the rest from memory).
 */
const MAX_COMPARE_ROUNDS = 6;

export interface OrderingDeps {
  readonly compares: CompareCache;
  readonly log: Logger;
}

/**
 * Everything the plan will ask about the builds' order, fetched into the compare cache, and the batch
 * input without the branch claims GitHub refused (see `branchesChecked`).
 */
export async function orderBuilds(deps: OrderingDeps, batch: Batch, asked: BatchInput): Promise<BatchInput> {
  const { input, fetched } = await branchesChecked(deps, batch, asked);
  await fetchComparisons(deps, batch, input, fetched);
  return input;
}

/**
 * Fetches the ordering guard's answers and, in the same queries, whether each workflow run's commit is
 * on the branch it names: a run on a tag `main` says `head_branch: main` too. A build whose commit is
 * not on its branch counts as no branch's (it reaches no environment's branch rule).
 */
async function branchesChecked(
  { compares, log }: OrderingDeps,
  { octokit, key }: Batch,
  input: BatchInput,
): Promise<{ input: BatchInput; fetched: Set<string> }> {
  const claims = branchClaims(input.config, input.wanted);
  // The first round of the ordering guard's pairs carries the claims: no query of their own. Its
  // pairs are not asked again (an unknown commit's answer is not kept, so it would be).
  const pairs = comparisonsForBatch(input, compares.known);
  const verdicts = await compares.fetch(octokit, pairs, claims);
  const fetched = new Set(pairs.map(pairKey));
  const refused = claims.filter((_claim, index) => !verdicts[index]);
  if (refused.length === 0) return { input, fetched };
  for (const claim of refused)
    log.info(
      { repo: key, source: claim.repo, sha: claim.sha, branch: claim.branch },
      `${claim.sha.slice(0, 7)} is not on refs/heads/${claim.branch}: a tag or another ref named ${claim.branch} ran the build; it counts as no branch's`,
    );
  return { input: { ...input, wanted: withoutBranches(input.wanted, refused) }, fetched };
}

/** Fetches what the plan will ask about, round by round, until nothing new is needed (bounded). */
async function fetchComparisons(
  { compares, log }: OrderingDeps,
  { octokit, key }: Batch,
  input: BatchInput,
  asked: Set<string>,
): Promise<void> {
  for (let round = 1; round <= MAX_COMPARE_ROUNDS; round++) {
    const pairs = comparisonsForBatch(input, compares.known).filter((pair) => !asked.has(pairKey(pair)));
    if (pairs.length === 0) return;
    for (const pair of pairs) asked.add(pairKey(pair));
    await compares.fetch(octokit, pairs);
  }
  log.warn(
    { repo: key, rounds: MAX_COMPARE_ROUNDS },
    "builds still unordered after the last round of compares: the later arrival wins among them",
  );
}

function pairKey(pair: { repo: string; base: string; head: string }): string {
  return `${pair.repo} ${pair.base} ${pair.head}`;
}
