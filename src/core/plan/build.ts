/** What a trigger says was built: the source of every desired change (see docs/architecture.md, "One flow"). */
export interface Build {
  /** `reconcile`: the newest successful build of a branch, found by a reconciliation pass. */
  readonly trigger: "workflow_run" | "package" | "command" | "reconcile";
  /** The webhook's delivery id (or another unique id): duplicates are dropped by it. */
  readonly id: string;
  readonly repository: SourceRepository;
  /** The source commit; absent for a package without an `org.opencontainers.image.revision` label. */
  readonly sha: string | undefined;
  /** The branch built (`workflow_run.head_branch`); undefined when the trigger does not say. */
  readonly branch: string | undefined;
  /** `workflow_run.event`: push, pull_request, ... */
  readonly event: string | undefined;
  /** `workflow_run.path`: the workflow file. */
  readonly workflowPath: string | undefined;
  /** A link to the run or the package, for PR bodies and statuses. */
  readonly url: string | undefined;
  /** A package event names the image, its tag and digest; a workflow run leaves them to the config. */
  readonly image:
    { readonly name: string; readonly tag: string; readonly digest: string | undefined } | undefined;
  /** When the webhook arrived (ms since the epoch), for latency figures. */
  readonly receivedAt: number;
  /**
   * When the source commit was made (ms since the epoch): `workflow_run.head_commit.timestamp`, or the
   * commit date a reconciliation pass read. Undefined when the trigger does not say: the commit then
   * carries no `Source-Committed-At` trailer and that deployment's lead time is unknown (never guessed).
   */
  readonly committedAt?: number | undefined;
}

export interface SourceRepository {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly htmlUrl: string;
}

export function fullName(repository: Pick<SourceRepository, "owner" | "name">): string {
  return `${repository.owner}/${repository.name}`;
}
