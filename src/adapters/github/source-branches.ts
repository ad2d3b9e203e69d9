import { queryAllowingNotFound } from "./graphql-errors.js";
import type { Octokit } from "./octokit.js";

/** Source repositories per heads query: each asks a few refs and commits, far below GitHub's limits. */
const HEADS_PER_QUERY = 100;
/** Branches per history query: 25 × 30 commits × 10 check suites stays cheap in points and time. */
const HISTORIES_PER_QUERY = 25;
/** Check suites read per commit: a commit rarely has more workflows than this. */
const SUITES_PER_COMMIT = 10;

export interface SourceHeadsQuery {
  readonly owner: string;
  readonly name: string;
  /** Branches besides the default one whose heads are wanted. */
  readonly branches: readonly string[];
  /** Commits (full or abbreviated SHAs) whose date is wanted. */
  readonly commits: readonly string[];
}

export interface SourceHeads {
  /** The repository's web address. */
  readonly url: string;
  readonly defaultBranch: string;
  /** Head oid per branch (the default one included); null: no such branch. */
  readonly heads: ReadonlyMap<string, string | null>;
  /** Per commit asked: its full oid and commit date, or null when the repository has no such commit. */
  readonly commits: ReadonlyMap<string, { readonly oid: string; readonly date: string } | null>;
}

export interface BranchHistoryQuery {
  readonly owner: string;
  readonly name: string;
  readonly branch: string;
}

/** A workflow run's check suite on a commit. */
export interface Suite {
  /** QUEUED, IN_PROGRESS, COMPLETED, ... */
  readonly status: string;
  /** SUCCESS, FAILURE, ... (null until completed). */
  readonly conclusion: string | null;
  readonly event: string | undefined;
  readonly workflowPath: string | undefined;
}

export interface BranchCommit {
  readonly oid: string;
  readonly date: string;
  readonly suites: readonly Suite[];
}

export interface BranchHistory {
  readonly headOid: string;
  /** Newest first: the head, then its first-parent... ancestors as `git log` lists them. */
  readonly commits: readonly BranchCommit[];
}

type CommitDate = { oid: string; committedDate: string } | null;
type HeadsAnswer = Record<
  string,
  | ({ url: string; defaultBranchRef: { name: string; target: { oid: string } | null } | null } & Record<
      string,
      unknown
    >)
  | null
>;

export function repoKeyOf(repo: { owner: string; name: string }): string {
  return `${repo.owner}/${repo.name}`.toLowerCase();
}

/**
 * The heads of source repositories' branches and the dates of some commits, for many repositories in
 * one GraphQL query (100 per query). A repository the app cannot see is null in the answer.
 */
export async function readSourceHeads(
  octokit: Octokit,
  queries: readonly SourceHeadsQuery[],
): Promise<Map<string, SourceHeads | null>> {
  const result = new Map<string, SourceHeads | null>();
  for (let start = 0; start < queries.length; start += HEADS_PER_QUERY) {
    const chunk = queries.slice(start, start + HEADS_PER_QUERY);
    const variables: Record<string, string> = {};
    const declarations: string[] = [];
    const fields = chunk.map((query, r) => {
      variables[`o${r}`] = query.owner;
      variables[`n${r}`] = query.name;
      declarations.push(`$o${r}: String!`, `$n${r}: String!`);
      const refs = query.branches.map((branch, b) => {
        variables[`b${r}_${b}`] = `refs/heads/${branch}`;
        declarations.push(`$b${r}_${b}: String!`);
        return `b${b}: ref(qualifiedName: $b${r}_${b}) { target { oid } }`;
      });
      const commits = query.commits.map((sha, c) => {
        variables[`c${r}_${c}`] = sha;
        declarations.push(`$c${r}_${c}: String!`);
        return `c${c}: object(expression: $c${r}_${c}) { ... on Commit { oid committedDate } }`;
      });
      return `r${r}: repository(owner: $o${r}, name: $n${r}) { url defaultBranchRef { name target { oid } } ${refs.join(" ")} ${commits.join(" ")} }`;
    });
    const answer = await queryAllowingNotFound<HeadsAnswer>(
      octokit,
      `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
      variables,
    );
    chunk.forEach((query, r) => {
      const repo = answer[`r${r}`];
      const defaultRef = repo?.defaultBranchRef;
      if (!repo || !defaultRef) {
        result.set(repoKeyOf(query), null);
        return;
      }
      const heads = new Map<string, string | null>([[defaultRef.name, defaultRef.target?.oid ?? null]]);
      query.branches.forEach((branch, b) => {
        const ref = repo[`b${b}`] as { target: { oid: string } | null } | null | undefined;
        if (!heads.has(branch)) heads.set(branch, ref?.target?.oid ?? null);
      });
      const commits = new Map<string, { oid: string; date: string } | null>();
      query.commits.forEach((sha, c) => {
        const commit = repo[`c${c}`] as CommitDate | undefined;
        commits.set(sha, commit?.oid ? { oid: commit.oid, date: commit.committedDate } : null);
      });
      result.set(repoKeyOf(query), { url: repo.url, defaultBranch: defaultRef.name, heads, commits });
    });
  }
  return result;
}

type HistoryAnswer = Record<
  string,
  {
    ref: {
      target: {
        oid: string;
        history?: {
          nodes: Array<{
            oid: string;
            committedDate: string;
            checkSuites: {
              nodes: Array<{
                status: string;
                conclusion: string | null;
                workflowRun: { event: string; file: { path: string } | null } | null;
              } | null> | null;
            } | null;
          } | null> | null;
        };
      } | null;
    } | null;
  } | null
>;

/**
 * The last `depth` commits of each branch with their workflow runs' check suites, 25 branches per
 * GraphQL query: what tells the newest successful build of a branch and how far an environment is
 * behind it. A branch or repository that does not exist is null.
 */
export async function readBranchHistories(
  octokit: Octokit,
  queries: readonly BranchHistoryQuery[],
  depth: number,
): Promise<Map<string, BranchHistory | null>> {
  const result = new Map<string, BranchHistory | null>();
  for (let start = 0; start < queries.length; start += HISTORIES_PER_QUERY) {
    const chunk = queries.slice(start, start + HISTORIES_PER_QUERY);
    const variables: Record<string, string> = {};
    const declarations: string[] = [];
    const fields = chunk.map((query, r) => {
      variables[`o${r}`] = query.owner;
      variables[`n${r}`] = query.name;
      variables[`b${r}`] = `refs/heads/${query.branch}`;
      declarations.push(`$o${r}: String!`, `$n${r}: String!`, `$b${r}: String!`);
      return `r${r}: repository(owner: $o${r}, name: $n${r}) { ref(qualifiedName: $b${r}) { target { ... on Commit { oid history(first: ${depth}) { nodes { oid committedDate checkSuites(first: ${SUITES_PER_COMMIT}) { nodes { status conclusion workflowRun { event file { path } } } } } } } } } }`;
    });
    const answer = await queryAllowingNotFound<HistoryAnswer>(
      octokit,
      `query(${declarations.join(", ")}) { ${fields.join(" ")} }`,
      variables,
    );
    chunk.forEach((query, r) => {
      const target = answer[`r${r}`]?.ref?.target;
      const key = branchKey(query);
      if (!target?.history?.nodes) {
        result.set(key, null);
        return;
      }
      result.set(key, {
        headOid: target.oid,
        commits: target.history.nodes.flatMap((node) =>
          node
            ? [
                {
                  oid: node.oid,
                  date: node.committedDate,
                  suites: (node.checkSuites?.nodes ?? []).flatMap((suite) =>
                    suite
                      ? [
                          {
                            status: suite.status,
                            conclusion: suite.conclusion,
                            event: suite.workflowRun?.event,
                            workflowPath: suite.workflowRun?.file?.path,
                          },
                        ]
                      : [],
                  ),
                },
              ]
            : [],
        ),
      });
    });
  }
  return result;
}

export function branchKey(query: BranchHistoryQuery): string {
  return `${repoKeyOf(query)}@${query.branch}`;
}
