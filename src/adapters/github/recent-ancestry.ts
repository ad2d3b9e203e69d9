import type { BranchClaim } from "../../core/plan/branch-claims.js";
import type { Comparison } from "../../core/plan/verdict.js";
import { queryAllowingNotFound } from "./graphql-errors.js";
import type { Octokit } from "./octokit.js";

/** How many of a head's ancestors one query lists (newest first): deployed builds are recent. */
export const ANCESTRY_DEPTH = 100;
/**
 * Heads (and branches) per query: 50 × 100 history nodes stays far below GitHub's 500,000-node limit
 * and 10 s timeout.
 */
const HEADS_PER_QUERY = 50;
const FULL_SHA = /^[0-9a-f]{40}$/i;
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

interface HeadAnswer {
  history?: { nodes: Array<{ oid: string }> } | null;
  /** A branch: `ref(qualifiedName:)` answers with its target commit. */
  target?: HeadAnswer | null;
}
type RepositoryAnswer = Record<string, (HeadAnswer & { oid?: string }) | null> | null;

/**
 * Answers many compare questions with one GraphQL query per 50 heads instead of one compare request
 * per pair: `ahead` (or `identical`) when the base is among the head's last 100 ancestors, `unknown`
 * when GitHub does not have the base or the head. `undefined` means only a compare can tell (the base
 * exists but is older, newer or on another line): the caller asks the compare API for those.
 */
export async function recentAncestry(
  octokit: Octokit,
  pairs: readonly CommitPair[],
): Promise<Array<Comparison | undefined>> {
  return (await recentAncestryAndBranches(octokit, pairs, [])).pairs;
}

/**
 * The same, and in the same queries whether each claimed commit is on its branch (`refs/heads/<branch>`,
 * qualified: a tag of the same name is not the branch): true when it is among the branch head's last
 * 100 commits, false when the branch does not exist, undefined when only a compare can tell (an older
 * commit, or one GitHub does not have).
 */
export async function recentAncestryAndBranches(
  octokit: Octokit,
  pairs: readonly CommitPair[],
  claims: readonly BranchClaim[],
): Promise<{ pairs: Array<Comparison | undefined>; claims: Array<boolean | undefined> }> {
  const answers: Array<Comparison | undefined> = pairs.map(() => undefined);
  const verdicts: Array<boolean | undefined> = claims.map(() => undefined);
  const asked = pairs.flatMap((pair, index) => (askable(pair) ? [{ pair, index }] : []));
  const claimed = claims.flatMap((claim, index) => (claimable(claim) ? [{ claim, index }] : []));
  // A claim whose repository or commit cannot be named is not on any branch.
  claims.forEach((claim, index) => {
    if (!claimable(claim)) verdicts[index] = false;
  });
  // 50 heads per query; a claim rides in the query of its commit's head (a build is both), so checking
  // branches adds no query in the common case; claims whose commit is no head get queries of their own.
  const chunkOf = new Map<string, number>();
  for (const { pair } of asked)
    if (!chunkOf.has(headKey(pair))) chunkOf.set(headKey(pair), Math.floor(chunkOf.size / HEADS_PER_QUERY));
  const headChunks = Math.ceil(chunkOf.size / HEADS_PER_QUERY);
  const loose = new Map<string, number>();
  const claimChunk = (claim: BranchClaim): number => {
    const riding = chunkOf.get(`${claim.repo.toLowerCase()}:${claim.sha.toLowerCase()}`);
    if (riding !== undefined) return riding;
    if (!loose.has(branchKey(claim))) loose.set(branchKey(claim), loose.size);
    return headChunks + Math.floor((loose.get(branchKey(claim)) ?? 0) / HEADS_PER_QUERY);
  };
  const claimChunks = claimed.map(({ claim }) => claimChunk(claim));
  const chunks = headChunks + Math.ceil(loose.size / HEADS_PER_QUERY);
  for (let chunk = 0; chunk < chunks; chunk++) {
    const inChunk = asked.filter(({ pair }) => chunkOf.get(headKey(pair)) === chunk);
    const claimsInChunk = claimed.filter((_claim, position) => claimChunks[position] === chunk);
    const found = await ask(
      octokit,
      inChunk.map(({ pair }) => pair),
      claimsInChunk.map(({ claim }) => claim),
    );
    for (const { pair, index } of inChunk) {
      const ancestors = found.ancestors.get(headKey(pair));
      const base = found.bases.get(`${pair.repo.toLowerCase()}:${pair.base.toLowerCase()}`);
      if (ancestors === null || base === null) answers[index] = "unknown";
      else if (ancestors === undefined || base === undefined) answers[index] = undefined;
      else if (ancestors[0] === base) answers[index] = "identical";
      else if (ancestors.includes(base)) answers[index] = "ahead";
    }
    for (const { claim, index } of claimsInChunk) {
      const history = found.branches.get(branchKey(claim));
      if (history === null) verdicts[index] = false;
      else if (history?.includes(claim.sha.toLowerCase())) verdicts[index] = true;
    }
  }
  return { pairs: answers, claims: verdicts };
}

function askable(pair: CommitPair): boolean {
  const [owner = "", name = "", ...rest] = pair.repo.split("/");
  return (
    rest.length === 0 &&
    REPO_PART.test(owner) &&
    REPO_PART.test(name) &&
    FULL_SHA.test(pair.head) &&
    SHORT_SHA.test(pair.base)
  );
}

function claimable(claim: BranchClaim): boolean {
  const [owner = "", name = "", ...rest] = claim.repo.split("/");
  return (
    rest.length === 0 &&
    REPO_PART.test(owner) &&
    REPO_PART.test(name) &&
    FULL_SHA.test(claim.sha) &&
    claim.branch.length > 0
  );
}

function branchKey(claim: BranchClaim): string {
  return `${claim.repo.toLowerCase()}:refs/heads/${claim.branch}`;
}

function headKey(pair: CommitPair): string {
  return `${pair.repo.toLowerCase()}:${pair.head.toLowerCase()}`;
}

interface RepoQuestions {
  owner: string;
  name: string;
  heads: Set<string>;
  bases: Set<string>;
  branches: Set<string>;
}

/**
 * One query: per repository, each head's recent history, each base's full oid (abbreviations
 * resolved) and each claimed branch's recent history. In the maps, `null` means GitHub has no such
 * commit (or branch).
 */
async function ask(
  octokit: Octokit,
  pairs: readonly CommitPair[],
  claims: readonly BranchClaim[],
): Promise<{
  ancestors: Map<string, string[] | null>;
  bases: Map<string, string | null>;
  branches: Map<string, string[] | null>;
}> {
  const byRepo = new Map<string, RepoQuestions>();
  const entryOf = (repo: string): RepoQuestions => {
    const key = repo.toLowerCase();
    const [owner = "", name = ""] = repo.split("/");
    const entry = byRepo.get(key) ?? { owner, name, heads: new Set(), bases: new Set(), branches: new Set() };
    byRepo.set(key, entry);
    return entry;
  };
  for (const pair of pairs) {
    const entry = entryOf(pair.repo);
    entry.heads.add(pair.head.toLowerCase());
    entry.bases.add(pair.base.toLowerCase());
  }
  for (const claim of claims) entryOf(claim.repo).branches.add(claim.branch);
  const variables: Record<string, string> = {};
  const declarations: string[] = [];
  const fields: string[] = [];
  const lookups: Array<{
    repo: string;
    alias: string;
    sha: string;
    kind: "head" | "base" | "branch";
    field: string;
  }> = [];
  [...byRepo].forEach(([repo, entry], r) => {
    variables[`o${r}`] = entry.owner;
    variables[`n${r}`] = entry.name;
    declarations.push(`$o${r}: String!`, `$n${r}: String!`);
    const objects: string[] = [];
    [...entry.heads].forEach((sha, h) => {
      variables[`h${r}_${h}`] = sha;
      declarations.push(`$h${r}_${h}: GitObjectID!`);
      objects.push(
        `h${h}: object(oid: $h${r}_${h}) { ... on Commit { history(first: ${ANCESTRY_DEPTH}) { nodes { oid } } } }`,
      );
      lookups.push({ repo, alias: `r${r}`, sha, kind: "head", field: `h${h}` });
    });
    [...entry.bases].forEach((sha, b) => {
      variables[`b${r}_${b}`] = sha;
      // A full SHA by oid; an abbreviated one (a `{sha:7}` tag) by expression, which GitHub resolves.
      const full = FULL_SHA.test(sha);
      declarations.push(`$b${r}_${b}: ${full ? "GitObjectID!" : "String!"}`);
      objects.push(`b${b}: object(${full ? "oid" : "expression"}: $b${r}_${b}) { ... on Commit { oid } }`);
      lookups.push({ repo, alias: `r${r}`, sha, kind: "base", field: `b${b}` });
    });
    [...entry.branches].forEach((branch, c) => {
      variables[`c${r}_${c}`] = `refs/heads/${branch}`;
      declarations.push(`$c${r}_${c}: String!`);
      objects.push(
        `c${c}: ref(qualifiedName: $c${r}_${c}) { target { ... on Commit { history(first: ${ANCESTRY_DEPTH}) { nodes { oid } } } } }`,
      );
      lookups.push({ repo, alias: `r${r}`, sha: `refs/heads/${branch}`, kind: "branch", field: `c${c}` });
    });
    fields.push(`r${r}: repository(owner: $o${r}, name: $n${r}) { ${objects.join(" ")} }`);
  });
  const answer = await queryAllowingNotFound<Record<string, RepositoryAnswer>>(
    octokit,
    `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
    variables,
  );
  const ancestors = new Map<string, string[] | null>();
  const bases = new Map<string, string | null>();
  const branches = new Map<string, string[] | null>();
  for (const { repo, alias, sha, kind, field } of lookups) {
    const object = answer[alias]?.[field] ?? null;
    if (kind === "branch") {
      const nodes = object?.target?.history?.nodes;
      branches.set(`${repo}:${sha}`, nodes ? nodes.map((node) => node.oid.toLowerCase()) : null);
    } else if (kind === "head") {
      const nodes = object?.history?.nodes;
      ancestors.set(`${repo}:${sha}`, nodes ? nodes.map((node) => node.oid.toLowerCase()) : null);
    } else bases.set(`${repo}:${sha}`, typeof object?.oid === "string" ? object.oid.toLowerCase() : null);
  }
  return { ancestors, bases, branches };
}
