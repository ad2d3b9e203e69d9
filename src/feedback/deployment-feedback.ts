import type { TrackedDeployment } from "../core/feedback/tracked-deployment.js";
import type { Config } from "../config/index.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { observedSteps } from "../core/feedback/deployment-steps.js";
import type { EnvironmentObservation } from "../core/feedback/observation.js";
import type { Logger } from "../services/deployer.js";
import type { Pacer } from "../services/pacer.js";
import { applySteps } from "./apply-steps.js";
import type { DeploymentLedger } from "./deployment-ledger.js";
import type { ObservationListener } from "./feedback-hub.js";
import type { HealthChange } from "./health-ledger.js";
import { DeploymentFinder } from "./find-deployment.js";

export interface DeploymentFeedbackDeps {
  readonly ledger: DeploymentLedger;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly pacer: (installationId: number) => Pacer;
  /** The manifests repository's configuration (undefined: not a manifests repository, or invalid). */
  readonly config: (
    installationId: number,
    manifests: EnvironmentObservation["manifests"],
  ) => Promise<Config | undefined>;
  readonly log: Logger;
  /** Called with the GitHub requests each observation cost (the benchmark's `feedbackRequestsPerDeploy`). */
  readonly onApplied?: (requests: number) => void;
  /** Called for each deployment Argo CD showed Synced and Healthy, with since when (lead time to Healthy). */
  readonly onHealthy?: (deployment: TrackedDeployment, healthySince: number) => void;
}

/**
 * The feedback pipeline's deployments: for each image an observation changed, the tracked deployments
 * of that image in that environment take Argo CD's word (`success` when Synced and Healthy, `failure`
 * when Degraded or the sync failed, older ones `inactive`), with their commit statuses. A repeat changes
 * nothing in the health ledger, so it costs nothing here.
 */
export function deploymentFeedback(deps: DeploymentFeedbackDeps): ObservationListener {
  const finder = new DeploymentFinder();
  return async (observed, changes) => {
    if (changes.length === 0) return;
    let octokit: Octokit | undefined;
    const client = async () => (octokit ??= await deps.auth(observed.installationId));
    let requests = 0;
    for (const change of changes) requests += await apply(deps, finder, observed, change, client);
    if (requests > 0) deps.onApplied?.(requests);
  };
}

async function apply(
  deps: DeploymentFeedbackDeps,
  finder: DeploymentFinder,
  observed: EnvironmentObservation,
  change: HealthChange,
  client: () => Promise<Octokit>,
): Promise<number> {
  const { manifests, environment } = observed;
  const health = change.after;
  if (health.state === "progressing") return 0;
  let tracked = deps.ledger.forImage(manifests, environment, health.image);
  if (!tracked.some((deployment) => deployment.tag === health.tag)) {
    const config = await deps.config(observed.installationId, manifests);
    const found = config
      ? await finder.find(await client(), config, manifests, environment, health.image, health.tag)
      : undefined;
    if (found) {
      deps.ledger.track(found);
      tracked = deps.ledger.forImage(manifests, environment, health.image);
    }
  }
  const steps = observedSteps(tracked, health);
  if (steps.length === 0) return 0;
  const requests = await applySteps(await client(), deps.pacer(observed.installationId), deps.ledger, steps);
  for (const step of steps) if (step.state === "success") deps.onHealthy?.(step.deployment, health.since);
  deps.log.info(
    {
      repo: `${manifests.owner}/${manifests.name}`,
      environment,
      image: health.image,
      tag: health.tag,
      state: health.state,
      deployments: steps.length,
      requests,
    },
    "deployments updated from Argo CD",
  );
  return requests;
}
