import { statusContext } from "../core/render/status-context.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { Outcome } from "../core/plan/outcome.js";
import type { Landing } from "../core/plan/landing.js";
import { clip, commitStatusText } from "../core/render/report-text.js";
import { supersededSteps, writtenStatus } from "../core/feedback/deployment-steps.js";
import {
  isProductionEnvironment,
  type TrackedDeployment,
  type TrackedLanding,
} from "../core/feedback/tracked-deployment.js";
import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";
import { onGitHub } from "../core/plan/build.js";
import { applySteps } from "../feedback/apply-steps.js";
import type { DeploymentLedger } from "../feedback/deployment-ledger.js";
import type { Pacer } from "./pacer.js";

export type { Landing };

export interface Reported {
  readonly outcome: Outcome;
  readonly landing: Landing | undefined;
}

/** Where the deployment lifecycle is kept, and the clock it is timed with. */
export interface Lifecycle {
  readonly ledger: DeploymentLedger;
  readonly now: () => number;
}

type Written = Extract<Outcome, { kind: "written" }>;

/**
 * Reports back on each source commit: a commit status per environment (`gitops-image-bot/<env>`)
 * linking to the manifests commit or pull request, and for written changes a GitHub deployment, created
 * once per (build, environment) and tracked in the ledger so that later steps (merged, closed, Argo CD's
 * observations) update it in place: `pending` in a pull request, `in_progress` on the branch (never
 * `success` before Argo CD says so). Paced as content-creating requests, after the writes. Builds of a
 * source on another host (`repository.host`) are neither reported nor tracked: their commits are not
 * GitHub's.
 */
export async function reportOutcomes(
  octokit: Octokit,
  pacer: Pacer,
  manifests: RepoId,
  reported: readonly Reported[],
  options: { statuses: boolean; deployments: boolean },
  lifecycle: Lifecycle,
): Promise<void> {
  // A (build, environment) written somewhere is reported once as written, naming the files it skipped.
  const key = (outcome: Outcome): string => `${outcome.wanted.build.id}\u0000${outcome.environment}`;
  const written = new Set(
    reported.filter(({ outcome }) => outcome.kind === "written").map(({ outcome }) => key(outcome)),
  );
  const skippedFiles = new Map<string, number>();
  // A file that already runs the build (written by an earlier batch) is not one "not written".
  for (const { outcome } of reported)
    if (outcome.kind === "skipped" && outcome.skip.reason !== "already-deployed" && written.has(key(outcome)))
      skippedFiles.set(key(outcome), (skippedFiles.get(key(outcome)) ?? 0) + 1);
  for (const { outcome, landing } of reported) {
    if (outcome.kind === "skipped" && written.has(key(outcome))) continue;
    const { build } = outcome.wanted;
    if (build.sha === undefined || (outcome.kind === "skipped" && outcome.skip.reason === "already-deployed"))
      continue;
    // A commit of a repository on another host: GitHub has a repository of that name at best (another
    // one), so nothing is posted; the commit message and the pull request still name the build.
    if (!onGitHub(build.repository)) continue;
    const where = `${manifests.owner}/${manifests.name}`;
    const text = commitStatusText(outcome, landing, where, skippedFiles.get(key(outcome)) ?? 0);
    if (outcome.kind === "written") {
      await reportWritten(octokit, pacer, manifests, outcome, landing, text.description, options, lifecycle);
      continue;
    }
    if (!options.statuses) continue;
    await pacer.take();
    await octokit.rest.repos.createCommitStatus({
      owner: build.repository.owner,
      repo: build.repository.name,
      sha: build.sha,
      context: statusContext(outcome.environment, outcome.wanted.part),
      ...text,
    });
  }
}

/**
 * A written tag: the older builds a living pull request carried are superseded; the commit status says
 * where it went; the deployment is created the first time only, and gets a status when its words change.
 */
async function reportWritten(
  octokit: Octokit,
  pacer: Pacer,
  manifests: RepoId,
  outcome: Written,
  landing: Landing | undefined,
  statusDescription: string,
  options: { statuses: boolean; deployments: boolean },
  { ledger, now }: Lifecycle,
): Promise<void> {
  const { build } = outcome.wanted;
  const sha = build.sha;
  if (sha === undefined || (!options.statuses && !options.deployments)) return;
  const where = `${manifests.owner}/${manifests.name}`;
  const image = normalizeImageName(outcome.wanted.image);
  const tracked = ledger.forImage(manifests, outcome.environment, image);
  if (landing?.kind === "pull-request" && landing.number !== undefined)
    await applySteps(octokit, pacer, ledger, supersededSteps(tracked, { sha, number: landing.number }));
  const known = tracked.find((deployment) => deployment.sha === sha);
  const step = writtenStatus(landing, where);
  const source = { owner: build.repository.owner, repo: build.repository.name };
  const changed = known?.state !== step.state || known.description !== step.description;
  if (options.statuses && changed) {
    await pacer.take();
    await octokit.rest.repos.createCommitStatus({
      ...source,
      sha,
      context: statusContext(outcome.environment, outcome.wanted.part),
      state: "pending",
      description: statusDescription,
      ...(landing ? { target_url: landing.url } : {}),
    });
  }
  const production = isProductionEnvironment(outcome.environment);
  let deploymentId = known?.deploymentId;
  if (options.deployments && deploymentId === undefined) {
    await pacer.take();
    const { data } = await octokit.rest.repos.createDeployment({
      ...source,
      ref: sha,
      environment: outcome.environment,
      auto_merge: false,
      required_contexts: [],
      production_environment: production,
      description: clip(`${outcome.wanted.image}:${outcome.wanted.tag} via ${where}`),
      payload: {
        manifests: where,
        image: outcome.wanted.image,
        files: outcome.updates.map((update) => update.path),
        tag: outcome.wanted.tag,
      },
    });
    if ("id" in data) deploymentId = data.id;
  }
  if (options.deployments && deploymentId !== undefined && (changed || known?.deploymentId === undefined)) {
    await pacer.take();
    await octokit.rest.repos.createDeploymentStatus({
      ...source,
      deployment_id: deploymentId,
      ...step,
      ...(landing ? { log_url: landing.url } : {}),
    });
  }
  const at = now();
  const entry: TrackedDeployment = {
    manifests: { owner: manifests.owner, name: manifests.name },
    environment: outcome.environment,
    image,
    tag: outcome.wanted.tag,
    source: { owner: build.repository.owner, name: build.repository.name },
    sha,
    build,
    deploymentId,
    context: statusContext(outcome.environment, outcome.wanted.part),
    statuses: options.statuses,
    production,
    landing: trackedLanding(landing),
    state: step.state,
    description: step.description,
    writtenAt: known?.writtenAt ?? at,
    onBranchAt: step.state === "in_progress" ? (known?.onBranchAt ?? at) : undefined,
  };
  ledger.track(entry);
}

function trackedLanding(landing: Landing | undefined): TrackedLanding | undefined {
  if (landing?.kind === "pull-request" && landing.number !== undefined)
    return { kind: "pull-request", number: landing.number, oid: landing.oid };
  if (landing?.kind === "commit" && landing.oid !== undefined)
    return { kind: "commit", oid: landing.oid, branch: landing.branch };
  return undefined;
}
