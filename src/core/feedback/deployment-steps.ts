import type { Landing } from "../plan/landing.js";
import { onBranch } from "../plan/landing.js";
import { compactDuration } from "../render/duration-text.js";
import { clipLine, GITHUB_LIMITS } from "../render/fit-github.js";
import { shortSha } from "../render/short-sha.js";
import { badHealthText } from "./bad-health-text.js";
import type { ImageHealth } from "./image-health.js";
import type { CommitState, DeploymentState, TrackedDeployment } from "./tracked-deployment.js";

/** One update of one tracked deployment: its deployment status, and the commit status that follows it. */
export interface Step {
  readonly deployment: TrackedDeployment;
  readonly state: DeploymentState;
  readonly description: string;
  /** A link for people: the status's `log_url` and the commit status's `target_url`. */
  readonly url: string | undefined;
  /** Where the environment runs it (Argo CD's application): the status's `environment_url`. */
  readonly environmentUrl?: string | undefined;
  /** The commit status written with it (undefined: the commit status stays as it is). */
  readonly commit: CommitState | undefined;
  /** GitHub writes this status itself (`auto_inactive`): recorded, not sent. */
  readonly byGitHub: boolean;
  /** When the tag reached the deployed branch, when this step says it did. */
  readonly onBranchAt?: number;
}

/** Within GitHub's 140 characters of a status description. */
function fit(text: string): string {
  return clipLine(text, GITHUB_LIMITS.statusDescription);
}

/** States after which nothing but an observation changes a deployment. */
const WAITING: ReadonlySet<DeploymentState | undefined> = new Set([
  "queued",
  "pending",
  "in_progress",
  undefined,
]);

/** What a written tag's deployment says first: proposed in a pull request, or on the branch waiting for Argo CD. */
export function writtenStatus(
  landing: Landing | undefined,
  manifests: string,
): { readonly state: "pending" | "in_progress"; readonly description: string } {
  if (onBranch(landing) || landing === undefined) {
    const where =
      landing?.kind === "pull-request"
        ? `on ${landing.branch ?? "the branch"} via ${manifests}${landing.label}`
        : `on ${landing?.branch ?? "the branch"} at ${shortSha(landing?.oid ?? landing?.label)}`;
    return { state: "in_progress", description: fit(`${where}, waiting for Argo CD`) };
  }
  const waiting = landing.awaiting === "checks" ? "waiting for its checks to merge" : "waiting for review";
  return { state: "pending", description: fit(`proposed in ${manifests}${landing.label}, ${waiting}`) };
}

/** The app's pull request merged: its deployments are on the branch, waiting for Argo CD. */
export function mergedSteps(
  tracked: readonly TrackedDeployment[],
  pull: { readonly number: number; readonly mergeOid: string; readonly branch: string; readonly url: string },
  now: number,
): Step[] {
  return ofPull(tracked, pull.number).map((deployment) => ({
    deployment,
    state: "in_progress",
    description: fit(`on ${pull.branch} at ${shortSha(pull.mergeOid)}, waiting for Argo CD`),
    url: pull.url,
    commit: "pending",
    byGitHub: false,
    onBranchAt: now,
  }));
}

/**
 * The app's pull request closed without merging: its deployments will not happen. The commit status
 * becomes `error` (the change did not go through, and no check of the build failed): `pending` would
 * wait forever, `failure` would blame the build.
 */
export function closedSteps(tracked: readonly TrackedDeployment[], number: number): Step[] {
  return ofPull(tracked, number).map((deployment) =>
    ended(deployment, `closed without merging (#${number})`),
  );
}

/**
 * A living pull request now carries a newer build: the older builds it carried will not deploy.
 */
export function supersededSteps(
  tracked: readonly TrackedDeployment[],
  newer: { readonly sha: string; readonly number: number },
): Step[] {
  return ofPull(tracked, newer.number)
    .filter((deployment) => deployment.sha !== newer.sha)
    .map((deployment) => ended(deployment, `superseded by ${shortSha(newer.sha)}`));
}

function ofPull(tracked: readonly TrackedDeployment[], number: number): TrackedDeployment[] {
  return tracked.filter(
    (deployment) =>
      deployment.landing?.kind === "pull-request" &&
      deployment.landing.number === number &&
      WAITING.has(deployment.state),
  );
}

function ended(deployment: TrackedDeployment, why: string): Step {
  return {
    deployment,
    state: "inactive",
    description: fit(why),
    url: undefined,
    commit: "error",
    byGitHub: false,
  };
}

/** What an image's state in an environment means for the deployment of that tag (undefined: nothing). */
function observedStatus(
  deployment: TrackedDeployment,
  health: ImageHealth,
): { state: DeploymentState; description: string; commit: CommitState } | undefined {
  switch (health.state) {
    case "healthy": {
      const took =
        // Argo CD's times are whole seconds: the branch's time is compared at the same grain.
        deployment.onBranchAt !== undefined && health.since >= wholeSecond(deployment.onBranchAt)
          ? ` in ${compactDuration(Math.max(0, health.since - deployment.onBranchAt) / 1000)}`
          : "";
      return { state: "success", description: fit(`Synced and Healthy${took}`), commit: "success" };
    }
    case "degraded":
    case "failed":
      // Argo CD's words: untrusted, one line of plain text, clipped with the rest of the description.
      return { state: "failure", description: fit(badHealthText(health)), commit: "failure" };
    case "progressing":
      return undefined;
  }
}

/**
 * What an image's new state in an environment (Argo CD's word) does to the tracked deployments of that
 * image there: the deployments of its tag take the state (`success`, `failure`) unless they already
 * say the same; when the tag is Healthy, older deployments become `inactive`: those that were
 * `success` (GitHub's `auto_inactive` does it outside production, the app inside), and those still
 * waiting that were written before it (they will not run: superseded).
 */
export function observedSteps(tracked: readonly TrackedDeployment[], health: ImageHealth): Step[] {
  const steps: Step[] = [];
  const mine = tracked.filter((deployment) => deployment.tag === health.tag);
  for (const deployment of mine) {
    const next = observedStatus(deployment, health);
    // Already success: a tag Healthy again (after a rollback, say) keeps its first words.
    if (!next) continue;
    const same =
      next.state === deployment.state &&
      (next.state === "success" || next.description === deployment.description);
    if (same) continue;
    steps.push({ deployment, ...next, url: health.url, environmentUrl: health.url, byGitHub: false });
  }
  if (health.state !== "healthy" || mine.length === 0) return steps;
  const newest = mine.reduce((latest, one) => (one.writtenAt > latest.writtenAt ? one : latest));
  for (const deployment of tracked) {
    if (deployment.tag === health.tag) continue;
    if (deployment.state === "success")
      steps.push({
        deployment,
        state: "inactive",
        description: fit(`replaced by ${shortSha(newest.sha)}`),
        url: undefined,
        commit: undefined,
        byGitHub: deployment.deploymentId !== undefined && !deployment.production,
      });
    else if (
      WAITING.has(deployment.state) &&
      deployment.state !== undefined &&
      deployment.writtenAt < newest.writtenAt
    )
      steps.push(ended(deployment, `superseded by ${shortSha(newest.sha)}`));
  }
  return steps;
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}
