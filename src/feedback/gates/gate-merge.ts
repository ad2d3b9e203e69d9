import type { Octokit } from "../../adapters/github/octokit.js";
import type { Logger } from "../../services/deployer.js";
import type { Pacer } from "../../services/pacer.js";
import { autoMerge } from "../../services/pull-requests.js";
import type { OpenGate } from "./gate-registry.js";

/**
 * An `auto-merge` pull request whose gate passed: auto-merge enabled now, or merged at once when GitHub
 * says it can merge, as for an ungated environment when its pull request opens; only while the pull
 * request is open at the head the gate judged (a newer build has its own gate). True when merged.
 */
export async function mergeAfterGate(
  octokit: Octokit,
  pacer: Pacer,
  log: Logger,
  gate: OpenGate,
): Promise<boolean> {
  const repo = { owner: gate.manifests.owner, name: gate.manifests.name };
  const { data: pull } = await octokit.rest.pulls.get({
    owner: repo.owner,
    repo: repo.name,
    pull_number: gate.pull,
  });
  if (pull.state !== "open" || pull.head.sha !== gate.headOid) {
    log.info(
      { repo: `${repo.owner}/${repo.name}`, pull: gate.pull, head: pull.head.sha, gated: gate.headOid },
      "gate passed for a head the pull request no longer has (or it is closed): not merged",
    );
    return false;
  }
  // The merge keeps the pull request's commit message, trailers included (the delivery figures read them).
  const { data: commit } = await octokit.rest.git.getCommit({
    owner: repo.owner,
    repo: repo.name,
    commit_sha: gate.headOid,
  });
  const [headline = "", ...body] = commit.message.split("\n");
  return autoMerge(
    octokit,
    pacer,
    log,
    repo,
    { number: pull.number, id: pull.node_id },
    gate.headOid,
    gate.mergeMethod,
    { headline, body: body.join("\n").replace(/^\n+/, "") },
  );
}
