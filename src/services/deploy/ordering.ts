import type { AncestryFound } from "../../adapters/github/ancestry-fields.js";
import type { HistoryQuestions } from "../../adapters/github/read-snapshot.js";
import { matchSource, type Config } from "../../config/index.js";
import {
  branchClaims,
  buildClaims,
  withoutBranches,
  type BranchClaim,
} from "../../core/plan/branch-claims.js";
import { fullName, onGitHub, type Build } from "../../core/plan/build.js";
import { deployedCommits, type KnownFile } from "../../core/plan/deployed-commits.js";
import { comparisonsForBatch, type BatchInput } from "../../core/plan/plan-batch.js";
import { resolveBuild } from "../../core/plan/resolve-build.js";
import type { CompareCache } from "../compare-cache.js";
import type { Logger } from "../deployer.js";
import type { Batch } from "./batch.js";
import { isFullSha } from "../../core/plan/full-sha.js";

/**
 * Rounds of ordering questions per batch: each round asks what the scan for the newest build needs
 * given the answers so far (usually one round: the builds' histories answer the rest from memory).
 */
const MAX_COMPARE_ROUNDS = 6;

/**
 * Histories (of builds' commits and of claimed branches, `ANCESTRY_DEPTH` nodes each) the snapshot
 * query carries at most: 400 × 100 = 40,000 nodes, 8 % of GitHub's 500,000-node limit and 4 points of
 * the hourly budget; a batch of 200 builds with a branch claim each fits. Beyond, the guard asks the
 * rest in its own queries (50 commits each), as it did before the history rode in the snapshot.
 */
export const SNAPSHOT_HISTORIES = 400;
/**
 * Deployed commits whose history the snapshot carries at most, within `SNAPSHOT_HISTORIES` (builds and
 * branches first): a batch's services deploy a few commits each (one per environment, often fewer).
 */
export const DEPLOYED_HISTORIES = 100;

/**
 * The guard's history questions a batch's snapshot can carry, from the builds as they arrived and the
 * config the repository had last time (the snapshot brings this time's; a guess that turned out wrong
 * costs the guard a query of its own, as before). Only builds of GitHub sources ordered by ancestry
 * are asked about; commits and claims the compare cache already knows are not asked again.
 *
 * `filesOf`: the files that referenced the builds' images when last read, with those texts (the
 * manifest index's). The commits they deploy are asked about too, speculatively (at most
 * `DEPLOYED_HISTORIES`, in the room the builds and branches leave): when the files still deploy them,
 * the guard compares each build with them from these histories, or knows GitHub has no such commit,
 * without a query of its own. Files that deploy something else by now cost that query, as before.
 */
export function historyQuestions(
  compares: CompareCache,
  config: Config | undefined,
  builds: readonly Build[],
  filesOf?: (images: readonly string[]) => readonly KnownFile[],
): HistoryQuestions | undefined {
  if (!config) return undefined;
  const ancestry = builds.filter(
    (build): build is Build & { sha: string } =>
      build.sha !== undefined &&
      isFullSha(build.sha) &&
      onGitHub(build.repository) &&
      matchSource(config, fullName(build.repository))?.order === "ancestry",
  );
  const heads = [
    ...new Map(
      ancestry
        .map((build) => ({ repo: fullName(build.repository).toLowerCase(), sha: build.sha.toLowerCase() }))
        .filter(({ repo, sha }) => !compares.hasHistory(repo, sha))
        .map((head) => [`${head.repo}:${head.sha}`, head]),
    ).values(),
  ];
  const claims = buildClaims(config, ancestry).filter((claim) => !compares.confirmed(claim));
  const branches = [
    ...new Map(claims.map(({ repo, branch }) => [`${repo}:${branch}`, { repo, branch }])).values(),
  ];
  const kept = heads.slice(0, SNAPSHOT_HISTORIES);
  const keptBranches = branches.slice(0, SNAPSHOT_HISTORIES - kept.length);
  const room = Math.min(DEPLOYED_HISTORIES, SNAPSHOT_HISTORIES - kept.length - keptBranches.length);
  const deployed = filesOf ? deployedHeads(compares, config, ancestry, filesOf, kept, room) : [];
  if (kept.length === 0 && keptBranches.length === 0 && deployed.length === 0) return undefined;
  return { heads: [...kept, ...deployed], branches: keptBranches };
}

/** The commits the builds' files deployed when last read, whose history is neither held nor asked already. */
function deployedHeads(
  compares: CompareCache,
  config: Config,
  builds: readonly Build[],
  filesOf: (images: readonly string[]) => readonly KnownFile[],
  asked: readonly { repo: string; sha: string }[],
  room: number,
): { repo: string; sha: string }[] {
  if (room <= 0) return [];
  const wanted = builds.flatMap((build) => {
    const resolved = resolveBuild(config, build);
    return resolved.ok ? resolved.all : [];
  });
  if (wanted.length === 0) return [];
  const files = filesOf([...new Set(wanted.map((one) => one.image))]);
  const skip = new Set(asked.map(({ repo, sha }) => `${repo}:${sha}`));
  const open = deployedCommits(wanted, files, room + skip.size).filter(
    ({ repo, sha }) => !skip.has(`${repo}:${sha}`) && !compares.hasHistory(repo, sha),
  );
  return open.slice(0, room);
}

export interface OrderingDeps {
  readonly compares: CompareCache;
  readonly log: Logger;
}

/**
 * Everything the plan will ask about the builds' order, fetched into the compare cache, and the batch
 * input without the branch claims GitHub refused (see `branchesChecked`).
 */
export async function orderBuilds(
  deps: OrderingDeps,
  batch: Batch,
  asked: BatchInput,
  history?: AncestryFound,
): Promise<BatchInput> {
  if (history) deps.compares.remember(history);
  const { input, fetched } = await branchesChecked(deps, batch, asked, history);
  await fetchComparisons(deps, batch, input, fetched, history);
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
  history: AncestryFound | undefined,
): Promise<{ input: BatchInput; fetched: Set<string> }> {
  const claims = branchClaims(input.config, input.wanted);
  const read = claims.map((claim) => readClaim(history, claim));
  // The first round of the ordering guard's pairs carries the claims the snapshot did not settle: no
  // query of their own. Its pairs are not asked again (an unknown commit's answer is not kept, so it
  // would be), nor are pairs with a commit the snapshot found GitHub does not have (the build's, or the
  // deployed one): "unknown" for this batch, the answer the guard's own query would give.
  const all = comparisonsForBatch(input, compares.known);
  const missing = all.filter((pair) => unknownInSnapshot(history, pair));
  const pairs = all.filter((pair) => !missing.includes(pair));
  const open = claims.filter((_claim, index) => read[index] === undefined);
  const fetchedVerdicts = await compares.fetch(octokit, pairs, open);
  const verdicts = claims.map((claim, index) => read[index] ?? fetchedVerdicts[open.indexOf(claim)] ?? false);
  const fetched = new Set(all.map(pairKey));
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
  history: AncestryFound | undefined,
): Promise<void> {
  for (let round = 1; round <= MAX_COMPARE_ROUNDS; round++) {
    const pairs = comparisonsForBatch(input, compares.known).filter(
      (pair) => !asked.has(pairKey(pair)) && !unknownInSnapshot(history, pair),
    );
    if (pairs.length === 0) return;
    for (const pair of pairs) asked.add(pairKey(pair));
    await compares.fetch(octokit, pairs);
  }
  log.warn(
    { repo: key, rounds: MAX_COMPARE_ROUNDS },
    "builds still unordered after the last round of compares: the later arrival wins among them",
  );
}

/**
 * A claim the snapshot refused: false when it found no such branch. The rest the compare cache settles
 * (it remembered the branches' histories the snapshot read: no query again).
 */
function readClaim(history: AncestryFound | undefined, claim: BranchClaim): false | undefined {
  const branch = history?.branches.get(`${claim.repo.toLowerCase()}:refs/heads/${claim.branch}`);
  return branch === null ? false : undefined;
}

/**
 * Whether the snapshot found GitHub has no commit of the pair: the build's (`head`), or a full-SHA
 * `base` it was asked about (another build, a deployed commit). Only an answer read counts: a commit
 * the snapshot was not asked about is undefined there.
 */
function unknownInSnapshot(history: AncestryFound | undefined, pair: CommitPair): boolean {
  if (!history) return false;
  if (history.ancestors.get(commitKey(pair.repo, pair.head)) === null) return true;
  return isFullSha(pair.base) && history.ancestors.get(commitKey(pair.repo, pair.base)) === null;
}

function commitKey(repo: string, sha: string): string {
  return `${repo.toLowerCase()}:${sha.toLowerCase()}`;
}

type CommitPair = { readonly repo: string; readonly base: string; readonly head: string };

function pairKey(pair: CommitPair): string {
  return `${pair.repo} ${pair.base} ${pair.head}`;
}
