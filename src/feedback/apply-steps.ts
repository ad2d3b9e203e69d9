import type { Octokit } from "../adapters/github/octokit.js";
import type { Step } from "../core/feedback/deployment-steps.js";
import type { Pacer } from "../services/pacer.js";
import type { DeploymentLedger } from "./deployment-ledger.js";

/**
 * Writes each step on its source commit: the deployment's new status (unless GitHub writes it itself,
 * `auto_inactive`) and the commit status `gitops-image-bot/<env>` when the step has one, paced as
 * reports; then records it in the ledger. Returns the number of requests sent.
 */
export async function applySteps(
  octokit: Octokit,
  pacer: Pacer,
  ledger: DeploymentLedger,
  steps: readonly Step[],
): Promise<number> {
  let requests = 0;
  for (const step of steps) {
    const { deployment } = step;
    const source = { owner: deployment.source.owner, repo: deployment.source.name };
    // A commit on another host has neither a deployment nor statuses on GitHub.
    const github = deployment.source.host === undefined;
    if (github && !step.byGitHub && deployment.deploymentId !== undefined) {
      await pacer.take();
      await octokit.rest.repos.createDeploymentStatus({
        ...source,
        deployment_id: deployment.deploymentId,
        state: step.state,
        description: step.description,
        ...(step.url ? { log_url: step.url } : {}),
        ...(step.environmentUrl ? { environment_url: step.environmentUrl } : {}),
      });
      requests += 1;
    }
    if (github && step.commit !== undefined && deployment.statuses) {
      await pacer.take();
      await octokit.rest.repos.createCommitStatus({
        ...source,
        sha: deployment.sha,
        context: deployment.context ?? `gitops-image-bot/${deployment.environment}`,
        state: step.commit,
        description: step.description,
        ...(step.url ? { target_url: step.url } : {}),
      });
      requests += 1;
    }
    ledger.track({
      ...deployment,
      state: step.state,
      description: step.description,
      onBranchAt: step.onBranchAt ?? deployment.onBranchAt,
    });
  }
  return requests;
}
