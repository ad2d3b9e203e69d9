import type { TwinCore } from "./twin-core.js";
import type { RepoRecord, WorkflowRunRecord } from "./state.js";
import type { WorkflowRunInput } from "./store.js";
import { examplePayload } from "./examples.js";
import { orgJson, repoJson, userJson } from "./rest/shapes.js";
import { workflowJson, workflowRunJson } from "./rest/workflow-run-json.js";

/** A real example payload (`@octokit/webhooks-examples`) whose repository is `repo` in the twin. */
export function examplePayloadFor(
  twin: TwinCore,
  repo: RepoRecord,
  event: string,
  action: string | undefined,
): Record<string, unknown> {
  const payload = examplePayload(event, action);
  payload["repository"] = repoJson(twin.urls, repo);
  if ("organization" in payload) payload["organization"] = orgJson(twin.urls, repo.owner);
  // A package of the repository is its owner's: GitHub sends a container's namespace as the owner's
  // login, lower-cased (the example's `Codertocat/hello-world-npm` is an npm package's).
  const pkg = payload["package"];
  if (event === "package" && typeof pkg === "object" && pkg !== null) {
    const record = pkg as Record<string, unknown>;
    record["namespace"] = repo.owner.login.toLowerCase();
    record["owner"] = userJson(twin.urls, repo.owner);
  }
  return payload;
}

/** The `workflow_run` action GitHub sends for a run in this state. */
function workflowRunAction(run: WorkflowRunRecord): "completed" | "in_progress" | "requested" {
  if (run.status === "completed" || run.status === "in_progress") return run.status;
  return "requested";
}

/**
 * Records a workflow run in the twin (so `GET .../actions/runs` lists it) and returns the `workflow_run`
 * webhook GitHub sends for it (action `completed`, or `requested`/`in_progress` for a run not done), built
 * from a real example: id, path, head, event, status and conclusion are the record's. Synchronous, so
 * `head_commit` keeps the example's message and authors under the run's SHA, and `pull_requests` is empty;
 * the REST answer reads both from git. Without `installation`: the sender adds it.
 */
export function recordWorkflowRunWebhook(
  twin: TwinCore,
  repo: RepoRecord,
  input: WorkflowRunInput,
): { run: WorkflowRunRecord; payload: Record<string, unknown> } {
  const run = twin.store.recordWorkflowRun(repo, input);
  const payload = examplePayloadFor(twin, repo, "workflow_run", "completed");
  const sample = payload["workflow_run"] as Record<string, unknown>;
  const headCommit = { ...(sample["head_commit"] as Record<string, unknown>), id: run.headSha };
  payload["action"] = workflowRunAction(run);
  payload["workflow"] = workflowJson(twin.urls, repo, run.workflow);
  payload["workflow_run"] = workflowRunJson(twin.urls, repo, run, { headCommit, pullRequests: [] });
  payload["sender"] = userJson(twin.urls, run.actor);
  return { run, payload };
}
