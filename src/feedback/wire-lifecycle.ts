import type { Octokit } from "../adapters/github/octokit.js";
import { closedPullFromPayload } from "../handlers/pull-request-closed-from-payload.js";
import type { AppIdentity } from "../services/app-identity.js";
import type { DeployItem, Logger } from "../services/deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";
import type { Pacer } from "../services/pacer.js";
import { deploymentFeedback, type DeploymentFeedbackDeps } from "./deployment-feedback.js";
import type { DeploymentLedger } from "./deployment-ledger.js";
import type { FeedbackHub } from "./feedback-hub.js";
import { manifestsRepoOf } from "./manifests-repo-of.js";
import { OnDegraded } from "./on-degraded.js";
import { pullRequestClosed } from "./pull-request-closed.js";

export interface LifecycleDeps {
  readonly hub: FeedbackHub;
  readonly deployments: DeploymentLedger;
  readonly registry: ManifestsRegistry;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly identity: () => Promise<AppIdentity>;
  readonly pacer: (installationId: number) => Pacer;
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: DeployItem) => Promise<void>;
  readonly log: Logger;
  readonly now: () => number;
  readonly onApplied?: (requests: number) => void;
  readonly onHealthy?: DeploymentFeedbackDeps["onHealthy"];
}

/** The deployment lifecycle's entry points, once wired. */
export interface DeploymentLifecycle {
  /** A `pull_request` webhook: the app's own deploy pull request closed, merged or not. */
  pullRequestClosed(octokit: Octokit, payload: unknown): Promise<void>;
  /** Resolves when the comments `onDegraded` started are posted. */
  idle(): Promise<void>;
}

/**
 * Wires the deployment lifecycle to the feedback hub, in order: deployments and statuses take Argo
 * CD's word first (so the tracked deployment of a bad tag is known), then `onDegraded` reacts.
 */
export function wireDeploymentLifecycle(deps: LifecycleDeps): DeploymentLifecycle {
  const repoOf = manifestsRepoOf(deps.registry, deps.auth);
  deps.hub.listen(
    deploymentFeedback({
      ledger: deps.deployments,
      auth: deps.auth,
      pacer: deps.pacer,
      config: async (installationId, manifests) => {
        const repo = await repoOf(installationId, manifests);
        return repo?.config.ok ? repo.config.config : undefined;
      },
      log: deps.log,
      ...(deps.onApplied ? { onApplied: deps.onApplied } : {}),
      ...(deps.onHealthy ? { onHealthy: deps.onHealthy } : {}),
    }),
  );
  const degraded = new OnDegraded({
    health: deps.hub.ledger,
    deployments: deps.deployments,
    repo: repoOf,
    auth: deps.auth,
    pacer: deps.pacer,
    enqueue: deps.enqueue,
    log: deps.log,
    now: deps.now,
  });
  deps.hub.listen(degraded.listener);
  return {
    pullRequestClosed: async (octokit, payload) => {
      const parse = closedPullFromPayload(payload);
      if (!parse.ok) {
        if ("invalid" in parse) deps.log.warn({}, `pull_request closed ignored: ${parse.invalid}`);
        return;
      }
      await pullRequestClosed(
        {
          ledger: deps.deployments,
          identity: deps.identity,
          pacer: deps.pacer,
          log: deps.log,
          now: deps.now,
        },
        octokit,
        parse.pull,
      );
    },
    idle: () => degraded.idle(),
  };
}
