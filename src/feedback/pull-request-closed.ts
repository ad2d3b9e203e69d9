import type { Octokit } from "../adapters/github/octokit.js";
import { closedSteps, mergedSteps } from "../core/feedback/deployment-steps.js";
import type { ClosedPull } from "../handlers/pull-request-closed-from-payload.js";
import { isOwnRestPull, type AppIdentity } from "../services/app-identity.js";
import type { Logger } from "../services/deployer.js";
import type { Pacer } from "../services/pacer.js";
import { applySteps } from "./apply-steps.js";
import type { DeploymentLedger } from "./deployment-ledger.js";

export interface PullClosedDeps {
  readonly ledger: DeploymentLedger;
  readonly identity: () => Promise<AppIdentity>;
  readonly pacer: (installationId: number) => Pacer;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * One of the app's deploy pull requests closed: merged, its deployments are on the branch at the merge
 * commit, waiting for Argo CD (`in_progress`); closed without merging, they will not happen (`inactive`).
 * Anyone else's pull request, or one the app does not track (after a restart), changes nothing.
 */
export async function pullRequestClosed(
  deps: PullClosedDeps,
  octokit: Octokit,
  pull: ClosedPull,
): Promise<void> {
  if (!isOwnRestPull(pull, pull.repo, await deps.identity())) return;
  const tracked = deps.ledger.forPull(pull.repo, pull.number);
  const steps =
    pull.mergeOid !== undefined
      ? mergedSteps(
          tracked,
          { number: pull.number, mergeOid: pull.mergeOid, branch: pull.base, url: pull.url },
          deps.now(),
        )
      : closedSteps(tracked, pull.number);
  if (steps.length === 0) return;
  const requests = await applySteps(octokit, deps.pacer(pull.installationId), deps.ledger, steps);
  deps.log.info(
    {
      repo: `${pull.repo.owner}/${pull.repo.name}`,
      pull: pull.number,
      merged: pull.mergeOid !== undefined,
      deployments: steps.length,
      requests,
    },
    "deployments of a closed pull request updated",
  );
}
