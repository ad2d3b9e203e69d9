import type { HistoryCommit } from "../../core/dora/deploy-history.js";
import type { Octokit, RepoId } from "./octokit.js";

/** Commits per history query: GitHub's largest page. */
export const HISTORY_PAGE = 100;
/** Pages read at most: 2,000 commits since the date; an older part of a busier window is not read. */
export const HISTORY_MAX_PAGES = 20;

export interface ManifestsHistory {
  /** The branch head the history was read from (undefined: no such branch). */
  readonly headOid: string | undefined;
  /** Newest first, as `Commit.history` lists them. */
  readonly commits: readonly HistoryCommit[];
  /** True when the page limit stopped the read before the date. */
  readonly truncated: boolean;
  /** GraphQL queries made. */
  readonly requests: number;
}

interface CommitTarget {
  oid?: string;
  history?: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: {
      oid: string;
      committedDate: string;
      message: string;
      parents: { nodes: { oid: string }[] };
    }[];
  };
}

interface HistoryAnswer {
  repository: { ref?: { target: CommitTarget | null } | null; object?: CommitTarget | null } | null;
}

const HISTORY_FIELDS = `... on Commit {
  oid
  history(since: $since, first: ${HISTORY_PAGE}, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes { oid committedDate message parents(first: 2) { nodes { oid } } }
  }
}`;

/** The first page: from the branch's head. */
const FIRST = `query($owner: String!, $name: String!, $ref: String!, $since: GitTimestamp!, $after: String) {
  repository(owner: $owner, name: $name) { ref(qualifiedName: $ref) { target { ${HISTORY_FIELDS} } } }
}`;

/** The next pages: from the head the first page found, so a branch that moves meanwhile cannot mix. */
const NEXT = `query($owner: String!, $name: String!, $oid: GitObjectID!, $since: GitTimestamp!, $after: String) {
  repository(owner: $owner, name: $name) { object(oid: $oid) { ${HISTORY_FIELDS} } }
}`;

/**
 * The deployed branch's commits since a date, with their messages, commit dates and parents: one GraphQL
 * query per 100 commits, at most `maxPages` queries (the oldest part of the window is then not read).
 * Every page is read from the head the first one found, so a branch that moves meanwhile cannot mix.
 */
export async function readManifestsHistory(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
  since: number,
  maxPages = HISTORY_MAX_PAGES,
): Promise<ManifestsHistory> {
  const commits: HistoryCommit[] = [];
  let headOid: string | undefined;
  let after: string | null = null;
  let requests = 0;
  const where = { owner: repo.owner, name: repo.name, since: new Date(since).toISOString() };
  for (;;) {
    const answer: HistoryAnswer =
      headOid === undefined
        ? await octokit.graphql<HistoryAnswer>(FIRST, { ...where, ref: `refs/heads/${branch}`, after })
        : await octokit.graphql<HistoryAnswer>(NEXT, { ...where, oid: headOid, after });
    requests++;
    const target = headOid === undefined ? answer.repository?.ref?.target : answer.repository?.object;
    if (!target?.oid || !target.history) return { headOid, commits, truncated: false, requests };
    headOid ??= target.oid;
    for (const node of target.history.nodes)
      commits.push({
        oid: node.oid,
        committedAt: Date.parse(node.committedDate),
        message: node.message,
        parents: node.parents.nodes.map((parent) => parent.oid),
      });
    const { hasNextPage, endCursor } = target.history.pageInfo;
    if (!hasNextPage || endCursor === null) return { headOid, commits, truncated: false, requests };
    if (requests >= maxPages) return { headOid, commits, truncated: true, requests };
    after = endCursor;
  }
}
