import type { Build } from "../plan/build.js";
import type { ManifestsRepoId } from "./observation.js";

/** The states of a GitHub deployment status the app writes. */
export type DeploymentState =
  "queued" | "pending" | "in_progress" | "success" | "failure" | "error" | "inactive";

/** The states of a commit status. */
export type CommitState = "pending" | "success" | "failure" | "error";

/** Where a tracked deployment's tag went: a commit on the deployed branch, or a pull request. */
export type TrackedLanding =
  | { readonly kind: "commit"; readonly oid: string; readonly branch: string | undefined }
  | { readonly kind: "pull-request"; readonly number: number; readonly oid: string | undefined };

/**
 * One build's deployment to one environment of one manifests repository, as the app follows it from
 * "written" to "Healthy" (or Degraded, closed, superseded): the GitHub deployment it created once and
 * updates in place, and the `gitops-image-bot/<env>` commit status on the same source commit.
 */
export interface TrackedDeployment {
  readonly manifests: ManifestsRepoId;
  readonly environment: string;
  /** The image as `normalizeImageName` writes it (what Argo CD observations name). */
  readonly image: string;
  readonly tag: string;
  /**
   * The source repository and full commit SHA the deployment is on (`host`: another host than GitHub,
   * where nothing is written).
   */
  readonly source: { readonly owner: string; readonly name: string; readonly host?: string | undefined };
  readonly sha: string;
  /** The build that was written (undefined when found again after a restart). */
  readonly build: Build | undefined;
  /** The GitHub deployment (undefined when the config turns deployments off). */
  readonly deploymentId: number | undefined;
  /** The commit status context (`statusContext`): per image for a monorepo; undefined: the environment's. */
  readonly context?: string | undefined;
  /** Whether the commit status is written (the config's `report.statuses`). */
  readonly statuses: boolean;
  /** GitHub's `production_environment`: its `auto_inactive` leaves such deployments alone. */
  readonly production: boolean;
  readonly landing: TrackedLanding | undefined;
  /** The last status written (undefined: unknown, the deployment was found again after a restart). */
  readonly state: DeploymentState | undefined;
  readonly description: string | undefined;
  /** When the tag was written (ms since the epoch), to a commit or a pull request. */
  readonly writtenAt: number;
  /** When the tag reached the deployed branch (the commit, or the pull request's merge). */
  readonly onBranchAt: number | undefined;
}

/** Environments GitHub and people treat as production: `auto_inactive` does not touch them. */
export function isProductionEnvironment(environment: string): boolean {
  return /^(prod|production)$/i.test(environment);
}
