import type { RepoRecord, WorkflowRunRecord } from "../../state.js";
import { fullName } from "../../state.js";
import { notFound, paginate, requireRepo, type RestHandlers, type RestRequest } from "../handler.js";
import type { Json } from "../shapes.js";
import { liveWorkflowRunJson } from "../workflow-run-json.js";

/** Whether a run passes the list route's filters; `status` matches a status or a conclusion, as on GitHub. */
function matches(run: WorkflowRunRecord, query: URLSearchParams): boolean {
  const wanted = (key: string, value: string | null): boolean => {
    const filter = query.get(key);
    return filter === null || filter === "" || filter === value;
  };
  const status = query.get("status");
  return (
    wanted("head_sha", run.headSha) &&
    wanted("branch", run.headBranch) &&
    wanted("event", run.event) &&
    wanted("actor", run.actor.login) &&
    wanted("check_suite_id", String(run.checkSuiteId)) &&
    (!status || run.status === status || run.conclusion === status)
  );
}

async function runJson(request: RestRequest, repo: RepoRecord, run: WorkflowRunRecord): Promise<Json> {
  const json = await liveWorkflowRunJson(request.urls, repo, run);
  return request.query.get("exclude_pull_requests") === "true" ? { ...json, pull_requests: [] } : json;
}

export const actionsHandlers: RestHandlers = {
  "actions/list-workflow-runs-for-repo": async (request, twin) => {
    const repo = requireRepo(request, twin);
    // Newest first, as GitHub lists them.
    const runs = [...repo.workflowRuns.values()]
      .filter((run) => matches(run, request.query))
      .sort((a, b) => b.id - a.id);
    const pageOf = paginate(request, runs, `/repos/${fullName(repo)}/actions/runs`);
    const workflowRuns: Json[] = [];
    for (const run of pageOf.body) workflowRuns.push(await runJson(request, repo, run));
    return { ...pageOf, body: { total_count: runs.length, workflow_runs: workflowRuns } };
  },

  "actions/get-workflow-run": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const run = repo.workflowRuns.get(Number(request.params["run_id"]));
    if (!run) throw notFound();
    return { status: 200, body: await runJson(request, repo, run) };
  },
};
