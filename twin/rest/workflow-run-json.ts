import type { RepoRecord, WorkflowRecord, WorkflowRunRecord } from "../state.js";
import { fullName } from "../state.js";
import { pullsAtJson } from "./pull-json.js";
import { repoJson, repoUrl, simpleCommitJson, userJson, type Json, type Urls } from "./shapes.js";

/** The `workflow` object of a `workflow_run` webhook (and of GitHub's workflow routes). */
export function workflowJson(urls: Urls, repo: RepoRecord, workflow: WorkflowRecord): Json {
  const html = `${urls.web}/${fullName(repo)}`;
  return {
    id: workflow.id,
    node_id: workflow.nodeId,
    name: workflow.name,
    path: workflow.path,
    state: "active",
    created_at: workflow.createdAt,
    updated_at: workflow.createdAt,
    url: `${repoUrl(urls, repo)}/actions/workflows/${workflow.id}`,
    html_url: `${html}/blob/${repo.defaultBranch}/${workflow.path}`,
    badge_url: `${html}/workflows/${encodeURIComponent(workflow.name)}/badge.svg`,
  };
}

/**
 * GitHub's `workflow-run`, the same in REST answers and in `workflow_run` webhooks; the head commit and
 * the open pull requests at the head come from git, so the caller reads them (see `liveWorkflowRunJson`).
 */
export function workflowRunJson(
  urls: Urls,
  repo: RepoRecord,
  run: WorkflowRunRecord,
  git: { headCommit: Json | null; pullRequests: Json[] },
): Json {
  const api = `${repoUrl(urls, repo)}/actions/runs/${run.id}`;
  return {
    id: run.id,
    name: run.name,
    node_id: run.nodeId,
    check_suite_id: run.checkSuiteId,
    check_suite_node_id: `CS_${run.checkSuiteId}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.workflow.path,
    display_title: run.name,
    run_number: run.runNumber,
    run_attempt: 1,
    referenced_workflows: [],
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow.id,
    url: api,
    html_url: `${urls.web}/${fullName(repo)}/actions/runs/${run.id}`,
    pull_requests: git.pullRequests,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    actor: userJson(urls, run.actor),
    triggering_actor: userJson(urls, run.actor),
    run_started_at: run.createdAt,
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${repoUrl(urls, repo)}/check-suites/${run.checkSuiteId}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${repoUrl(urls, repo)}/actions/workflows/${run.workflow.id}`,
    head_commit: git.headCommit,
    repository: repoJson(urls, repo),
    head_repository: repoJson(urls, run.headRepository ?? repo),
  };
}

/** A workflow run with its head commit (null when git does not have it) and the PRs open at its head. */
export async function liveWorkflowRunJson(
  urls: Urls,
  repo: RepoRecord,
  run: WorkflowRunRecord,
): Promise<Json> {
  const commit = await repo.git.readCommit(run.headSha);
  return workflowRunJson(urls, repo, run, {
    headCommit: commit ? simpleCommitJson(commit) : null,
    pullRequests: await pullsAtJson(urls, repo, run.headSha),
  });
}
