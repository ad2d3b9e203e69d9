import {
  parseTrailers,
  trailerSource,
  type DeployTrailer,
  type FailedTrailer,
  type RollbackTrailer,
} from "./trailers.js";

/** A commit of the deployed branch's history, as the history read gives it. */
export interface HistoryCommit {
  readonly oid: string;
  /** When the commit reached the branch: its committer date (ms since the epoch). */
  readonly committedAt: number;
  readonly message: string;
  /** Parent oids, first parent first. */
  readonly parents: readonly string[];
}

/** A deployment: a commit on the branch that changed an image's tag in an environment. */
export interface Deployment {
  readonly environment: string;
  readonly image: string;
  readonly tag: string;
  /** The commit on the branch (the app's own, or the merge of its pull request). */
  readonly oid: string;
  readonly at: number;
  /** When the source commit was made, when its trailer said so. */
  readonly sourceCommittedAt: number | undefined;
  /** A rollback (it puts back an earlier tag): no lead time of its own. */
  readonly rollback: boolean;
}

/** Something that says the deployment before it failed: a rollback, or a hold placed because it went Degraded. */
export interface FailureMark {
  readonly environment: string;
  readonly image: string;
  /** The tag that failed (a rollback's from-tag, a Degraded hold's tag). */
  readonly tag: string;
  readonly oid: string;
  readonly at: number;
}

/** The branch's deliveries in order, oldest first: each commit's failure marks come before its deployments. */
export interface DeployHistory {
  readonly steps: readonly {
    readonly failures: readonly FailureMark[];
    readonly deployments: readonly Deployment[];
  }[];
  /** Deployments commits made but did not list (`Deploys-Omitted`). */
  readonly omitted: number;
}

/**
 * The deployments and failure marks of a branch's history (newest first, as `Commit.history` lists it),
 * read along the first-parent chain from `headOid`: the commits that reached the branch one by one. A
 * merge commit without trailers of its own takes those of the commits it merged (a pull request merged
 * with a merge commit whose message a person wrote); the merged commits' own dates are not deployment
 * times, the merge's is. Commits outside the history read (older than its window) end the chain.
 */
export function deployHistory(commits: readonly HistoryCommit[], headOid: string): DeployHistory {
  const byOid = new Map(commits.map((commit) => [commit.oid, commit]));
  const chain: HistoryCommit[] = [];
  const onChain = new Set<string>();
  for (let at = byOid.get(headOid); at && !onChain.has(at.oid); at = byOid.get(at.parents[0] ?? "")) {
    chain.push(at);
    onChain.add(at.oid);
  }
  let omitted = 0;
  /** Merged commits already counted by an older merge. */
  const claimed = new Set<string>(onChain);
  const steps = chain.reverse().map((commit) => {
    let trailers = parseTrailers(commit.message);
    const merged = commit.parents.length > 1 ? mergedMessages(commit, byOid, claimed) : [];
    if (merged.length > 0 && trailers.deploys.length === 0) trailers = parseTrailers(merged.join("\n"));
    omitted += trailers.omitted;
    const committedAt = new Map(
      trailers.sources.map((source) => [
        `${trailerSource(source.repository, source.host)}@${source.sha}`.toLowerCase(),
        source.committedAt,
      ]),
    );
    const rollbacks = trailers.rollbacks;
    return {
      failures: failureMarks(commit, trailers.failures, rollbacks),
      deployments: trailers.deploys.map((deploy) => deployment(commit, deploy, committedAt, rollbacks)),
    };
  });
  return { steps, omitted };
}

function deployment(
  commit: HistoryCommit,
  deploy: DeployTrailer,
  committedAt: ReadonlyMap<string, number | undefined>,
  rollbacks: readonly RollbackTrailer[],
): Deployment {
  const source =
    deploy.repository !== undefined && deploy.sha !== undefined
      ? committedAt.get(`${trailerSource(deploy.repository, deploy.host)}@${deploy.sha}`.toLowerCase())
      : undefined;
  return {
    environment: deploy.environment,
    image: deploy.image,
    tag: deploy.tag,
    oid: commit.oid,
    at: commit.committedAt,
    sourceCommittedAt: source,
    rollback: rollbacks.some(
      (rollback) =>
        rollback.environment === deploy.environment &&
        rollback.image === deploy.image &&
        rollback.toTag === deploy.tag,
    ),
  };
}

/** A rollback and a Degraded hold in one commit name the same failure once. */
function failureMarks(
  commit: HistoryCommit,
  failures: readonly FailedTrailer[],
  rollbacks: readonly RollbackTrailer[],
): FailureMark[] {
  const marks = new Map<string, FailureMark>();
  const add = (environment: string, image: string, tag: string) =>
    marks.set(`${environment}\n${image}\n${tag}`, {
      environment,
      image,
      tag,
      oid: commit.oid,
      at: commit.committedAt,
    });
  for (const failed of failures) add(failed.environment, failed.image, failed.tag);
  for (const rollback of rollbacks) add(rollback.environment, rollback.image, rollback.fromTag);
  return [...marks.values()];
}

/**
 * The messages of the commits a merge brought in: reachable from its other parents, neither on the chain
 * nor brought in by an older merge (`claimed`, which this adds them to).
 */
function mergedMessages(
  merge: HistoryCommit,
  byOid: ReadonlyMap<string, HistoryCommit>,
  claimed: Set<string>,
): string[] {
  const messages: string[] = [];
  const queue = merge.parents.slice(1);
  while (queue.length > 0) {
    const oid = queue.shift() ?? "";
    const commit = byOid.get(oid);
    if (!commit || claimed.has(oid)) continue;
    claimed.add(oid);
    messages.push(commit.message);
    queue.push(...commit.parents);
  }
  return messages;
}
