/** Where a written outcome landed: a commit on the branch or a pull request. */
export interface Landing {
  readonly url: string;
  readonly label: string;
  readonly kind: "commit" | "pull-request";
  /** A pull request the app merged at once (auto-merge mode): the change is on the branch. */
  readonly merged?: boolean;
  /** What an open pull request waits for: a person's review, or the checks before it merges itself. */
  readonly awaiting?: "review" | "checks";
  /** The commit on the branch (a commit landing), or the pull request's head commit. */
  readonly oid?: string;
  /** The pull request's number (a pull-request landing). */
  readonly number?: number;
  /** The deployed branch: the commit's, or the pull request's base. */
  readonly branch?: string;
}

/** Whether the change is on the deployed branch now (a commit, or a pull request merged at once). */
export function onBranch(landing: Landing | undefined): boolean {
  return landing?.kind === "commit" || landing?.merged === true;
}
