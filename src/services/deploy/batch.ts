import type { Octokit, RepoId } from "../../adapters/github/octokit.js";

/** What every step of one batch works with: the client, the installation and the manifests repository. */
export interface Batch {
  readonly octokit: Octokit;
  readonly installationId: number;
  readonly repo: RepoId;
  /** `owner/name` of the manifests repository (log lines, caches). */
  readonly key: string;
}
