/** What a trigger says was built: the source of every desired change (see docs/architecture.md, "One flow"). */
export interface Build {
  /**
   * `build`: sent by any CI to `POST /api/builds`; `registry`: an image pushed to Harbor, Docker Hub or
   * Quay; `reconcile`: the newest successful build of a branch, found by a reconciliation pass.
   */
  readonly trigger: "workflow_run" | "package" | "build" | "registry" | "command" | "reconcile";
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
  /**
   * The CI's build number (`workflow_run.run_number`, the `buildNumber` a CI sends): fills `{build}`
   * in the tag template and orders builds of an `order: build-number` source.
   */
  readonly buildNumber?: number | undefined;
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
  /**
   * Where the repository lives when not on this GitHub (`gitlab.example.com`): nothing is asked of
   * GitHub about it and nothing is reported on its commits. Undefined: a GitHub repository.
   */
  readonly host?: string | undefined;
  /** The owner, or for another host every segment before the name (`payments/backend`). */
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch: string;
  readonly htmlUrl: string;
}

export function fullName(repository: Pick<SourceRepository, "owner" | "name">): string {
  return `${repository.owner}/${repository.name}`;
}

/**
 * The repository as people and trailers name it: `owner/name` on GitHub, the host first elsewhere
 * (`gitlab.example.com/payments/api`). A GitHub owner never has a dot, so the two never collide.
 */
export function sourceName(repository: Pick<SourceRepository, "host" | "owner" | "name">): string {
  return repository.host === undefined ? fullName(repository) : `${repository.host}/${fullName(repository)}`;
}

/** Whether GitHub can be asked about the repository (statuses, deployments, compares): not on another host. */
export function onGitHub(repository: Pick<SourceRepository, "host">): boolean {
  return repository.host === undefined;
}
