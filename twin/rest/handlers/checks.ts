import type { TwinCore } from "../../twin-core.js";
import type {
  AppRecord,
  CheckRunRecord,
  DeploymentRecord,
  DeploymentStatusRecord,
  RepoRecord,
  StatusRecord,
} from "../../state.js";
import { fullName } from "../../state.js";
import { settleAutoMerge } from "../../pulls.js";
import { branchMoved } from "../../events.js";
import {
  actor,
  HttpError,
  notFound,
  paginate,
  requireRepo,
  str,
  type RestHandlers,
  type RestRequest,
  invalid,
} from "../handler.js";
import {
  checkRunJson,
  deploymentJson,
  deploymentStatusJson,
  repoJson,
  repoUrl,
  statusJson,
  type Json,
} from "../shapes.js";
import { appJson } from "./apps.js";
import { pullsAtJson } from "../pull-json.js";

type CheckStatus = CheckRunRecord["status"];
type DeploymentState = DeploymentStatusRecord["state"];

const CHECK_STATUSES: readonly string[] = [
  "queued",
  "in_progress",
  "completed",
  "waiting",
  "requested",
  "pending",
];
/** Check conclusions that let a deployment's required contexts pass (as they let a branch's checks pass). */
const PASSING_CONCLUSIONS: readonly string[] = ["success", "neutral", "skipped"];

function bool(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key];
  return typeof value === "boolean" ? value : undefined;
}

/** A timestamp in GitHub's format (`2024-01-02T03:04:05Z`). */
function isoTime(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The commit a `{ref}` path parameter names (branch, tag or SHA). */
async function commitOf(repo: RepoRecord, ref: string): Promise<string | null> {
  return ref === "" ? null : repo.git.resolveCommit(ref);
}

function sameContext(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The newest status of each context on a commit (contexts are case-insensitive), newest first. */
function latestStatuses(repo: RepoRecord, sha: string): StatusRecord[] {
  const latest: StatusRecord[] = [];
  for (const status of [...repo.statuses].reverse()) {
    if (status.sha === sha && !latest.some((s) => sameContext(s.context, status.context)))
      latest.push(status);
  }
  return latest;
}

/** GitHub's combined state: failure if any context failed or errored, pending if any is pending (or none exist). */
function combinedState(statuses: readonly StatusRecord[]): "failure" | "pending" | "success" {
  if (statuses.some((s) => s.state === "failure" || s.state === "error")) return "failure";
  if (statuses.length === 0 || statuses.some((s) => s.state === "pending")) return "pending";
  return "success";
}

// ---- check runs -------------------------------------------------------------------------------------------

function callingApp(request: RestRequest): AppRecord {
  if (request.caller.kind !== "installation") {
    throw new HttpError(403, "You must authenticate via a GitHub App.");
  }
  return request.caller.app;
}

function runOf(request: RestRequest, twin: TwinCore): { repo: RepoRecord; run: CheckRunRecord } {
  const repo = requireRepo(request, twin);
  const run = repo.checkRuns.get(Number(request.params["check_run_id"]));
  if (!run) throw notFound();
  return { repo, run };
}

async function runJson(
  request: RestRequest,
  twin: TwinCore,
  repo: RepoRecord,
  run: CheckRunRecord,
): Promise<Json> {
  const app = twin.store.apps.get(run.appId);
  return {
    ...checkRunJson(request.urls, repo, run, app ? appJson(request.urls, app) : null),
    pull_requests: await pullsAtJson(request.urls, repo, run.headSha),
  };
}

/** Applies `output` as GitHub does: title and summary replace, annotations add up across updates. */
function applyOutput(run: CheckRunRecord, value: unknown): void {
  if (value === null || typeof value !== "object") return;
  const output = value as Record<string, unknown>;
  const sent: unknown[] = Array.isArray(output["annotations"]) ? output["annotations"] : [];
  const annotations = sent.length;
  for (const item of sent) {
    const annotation = (item ?? {}) as Record<string, unknown>;
    const num = (key: string) => (typeof annotation[key] === "number" ? (annotation[key] as number) : null);
    run.annotations.push({
      path: str(annotation, "path") ?? "",
      startLine: num("start_line") ?? 1,
      endLine: num("end_line") ?? num("start_line") ?? 1,
      startColumn: num("start_column"),
      endColumn: num("end_column"),
      level: str(annotation, "annotation_level") ?? "notice",
      title: str(annotation, "title") ?? null,
      message: str(annotation, "message") ?? "",
      rawDetails: str(annotation, "raw_details") ?? null,
    });
  }
  run.output = {
    title: str(output, "title") ?? run.output.title,
    summary: str(output, "summary") ?? run.output.summary,
    text: str(output, "text") ?? run.output.text,
    annotationsCount: run.output.annotationsCount + annotations,
  };
}

/**
 * Status and conclusion as GitHub settles them: a conclusion completes the run; `completed` (or a
 * `completed_at`) without a conclusion is refused.
 */
function applyProgress(run: CheckRunRecord, body: Record<string, unknown>, now: string): void {
  const conclusion = str(body, "conclusion");
  const status = str(body, "status");
  const completedAt = str(body, "completed_at");
  if (status !== undefined && !CHECK_STATUSES.includes(status)) throw invalid("CheckRun", "status");
  if (conclusion !== undefined) {
    run.status = "completed";
    run.conclusion = conclusion;
    run.completedAt = isoTime(completedAt, now);
    return;
  }
  if (status === "completed" || completedAt !== undefined) {
    throw invalid("CheckRun", "conclusion", "missing_field");
  }
  if (status !== undefined) {
    run.status = status as CheckStatus;
    run.conclusion = null;
    run.completedAt = null;
  }
}

// ---- deployments -----------------------------------------------------------------------------------------

function deploymentOf(
  request: RestRequest,
  twin: TwinCore,
): { repo: RepoRecord; deployment: DeploymentRecord } {
  const repo = requireRepo(request, twin);
  const deployment = repo.deployments.get(Number(request.params["deployment_id"]));
  if (!deployment) throw notFound();
  return { repo, deployment };
}

function payloadOf(value: unknown): unknown {
  if (value === undefined || value === "") return {};
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    throw invalid("Deployment", "payload");
  }
}

/**
 * `auto_merge`: when the ref is a branch behind the default branch, GitHub merges the default branch into
 * it and answers 202 instead of deploying (409 when that merge conflicts). Returns the 202 message, if any.
 */
async function autoMergeDefault(
  request: RestRequest,
  twin: TwinCore,
  repo: RepoRecord,
  ref: string,
): Promise<string | null> {
  if (ref === repo.defaultBranch) return null;
  const branchRef = `refs/heads/${ref}`;
  const branch = await repo.git.getRef(branchRef);
  const base = await repo.git.getRef(`refs/heads/${repo.defaultBranch}`);
  if (!branch || !base || (await repo.git.isAncestor(base, branch))) return null;
  const tree = await repo.git.mergeTrees(branch, base);
  if (tree === null) throw new HttpError(409, `Conflict merging ${repo.defaultBranch} into ${ref}.`);
  const user = actor(request, twin);
  const date = twin.store.now().toISOString();
  const message = `Auto-merged ${repo.defaultBranch} into ${ref} on deployment.`;
  const sha = await repo.git.writeCommit({
    tree,
    parents: [branch, base],
    message: `${message}\n`,
    author: { name: user.login, email: user.email, date },
    committer: { name: "GitHub", email: "noreply@github.com", date },
  });
  if (!(await repo.git.casRef(branchRef, sha, branch))) {
    throw new HttpError(409, `Conflict merging ${repo.defaultBranch} into ${ref}.`);
  }
  await branchMoved(twin, repo, branchRef, branch, sha, user);
  return message;
}

/** The state of each context a deployment requires: latest commit status, else latest check run. */
function contextStates(repo: RepoRecord, sha: string, required: readonly string[] | undefined) {
  const statuses = latestStatuses(repo, sha);
  const runs = [...repo.checkRuns.values()].filter((run) => run.headSha === sha).sort((a, b) => b.id - a.id);
  const names = required ?? [
    ...statuses.map((s) => s.context),
    ...runs.map((r) => r.name).filter((name) => !statuses.some((s) => sameContext(s.context, name))),
  ];
  const unique = names.filter((name, index) => names.findIndex((n) => sameContext(n, name)) === index);
  return unique.map((context) => {
    const status = statuses.find((s) => sameContext(s.context, context));
    if (status) return { context, state: status.state, passing: status.state === "success" };
    const run = runs.find((r) => sameContext(r.name, context));
    if (!run) return { context, state: "missing", passing: false };
    const state = run.conclusion ?? "pending";
    return { context, state, passing: PASSING_CONCLUSIONS.includes(state) };
  });
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : undefined;
}

export const checksHandlers: RestHandlers = {
  // ---- commit statuses ----
  "repos/create-commit-status": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const sha = (request.params["sha"] ?? "").toLowerCase();
    if (!(await repo.git.hasObject(sha, "commit"))) {
      throw new HttpError(422, `No commit found for SHA: ${request.params["sha"] ?? ""}`);
    }
    const state = str(request.body, "state") ?? "";
    if (!["error", "failure", "pending", "success"].includes(state)) throw invalid("Status", "state");
    const id = twin.store.nextId();
    const status: StatusRecord = {
      id,
      nodeId: twin.store.nodeId("SC", id),
      sha,
      state: state as StatusRecord["state"],
      context: str(request.body, "context") || "default",
      description: str(request.body, "description") ?? null,
      targetUrl: str(request.body, "target_url") ?? null,
      creator: actor(request, twin),
      createdAt: twin.store.timestamp(),
    };
    repo.statuses.push(status);
    await settleAutoMerge(twin, repo);
    const body = statusJson(request.urls, repo, status);
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "repos/list-commit-statuses-for-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = request.params["ref"] ?? "";
    const sha = (await commitOf(repo, ref)) ?? ref;
    const statuses = repo.statuses.filter((s) => s.sha === sha).reverse();
    const pageOf = paginate(request, statuses, `/repos/${fullName(repo)}/commits/${ref}/statuses`);
    return { ...pageOf, body: pageOf.body.map((s) => statusJson(request.urls, repo, s)) };
  },

  "repos/get-combined-status-for-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = request.params["ref"] ?? "";
    const sha = await commitOf(repo, ref);
    if (!sha) throw new HttpError(404, `No commit found for SHA: ${ref}`);
    const latest = latestStatuses(repo, sha);
    const pageOf = paginate(request, latest, `/repos/${fullName(repo)}/commits/${ref}/status`);
    const api = repoUrl(request.urls, repo);
    return {
      ...pageOf,
      body: {
        state: combinedState(latest),
        statuses: pageOf.body.map((s) => {
          const simple = statusJson(request.urls, repo, s);
          delete simple["creator"];
          return { ...simple, required: repo.requiredChecks.some((name) => sameContext(name, s.context)) };
        }),
        sha,
        total_count: latest.length,
        repository: repoJson(request.urls, repo),
        commit_url: `${api}/commits/${sha}`,
        url: `${api}/commits/${sha}/status`,
      },
    };
  },

  // ---- check runs ----
  "checks/create": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const app = callingApp(request);
    const headSha = (str(request.body, "head_sha") ?? "").toLowerCase();
    if (!(await repo.git.hasObject(headSha, "commit"))) {
      throw new HttpError(422, `No commit found for SHA: ${str(request.body, "head_sha") ?? ""}`);
    }
    const name = str(request.body, "name") ?? "";
    if (name.trim() === "") throw invalid("CheckRun", "name", "missing_field");
    const now = twin.store.timestamp();
    const id = twin.store.nextId();
    const run: CheckRunRecord = {
      id,
      nodeId: twin.store.nodeId("CR", id),
      headSha,
      name,
      status: "queued",
      conclusion: null,
      startedAt: isoTime(str(request.body, "started_at"), now),
      completedAt: null,
      detailsUrl: str(request.body, "details_url") ?? `${request.urls.web}/apps/${app.slug}`,
      externalId: str(request.body, "external_id") ?? "",
      output: { title: null, summary: null, text: null, annotationsCount: 0 },
      annotations: [],
      appId: app.id,
    };
    applyProgress(run, request.body, now);
    applyOutput(run, request.body["output"]);
    repo.checkRuns.set(id, run);
    await settleAutoMerge(twin, repo);
    const body = await runJson(request, twin, repo, run);
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "checks/update": async (request, twin) => {
    const { repo, run } = runOf(request, twin);
    const app = callingApp(request);
    if (app.id !== run.appId) throw new HttpError(403, "Resource not accessible by integration");
    const now = twin.store.timestamp();
    const name = str(request.body, "name");
    if (name !== undefined && name.trim() !== "") run.name = name;
    const detailsUrl = str(request.body, "details_url");
    if (detailsUrl !== undefined) run.detailsUrl = detailsUrl;
    const externalId = str(request.body, "external_id");
    if (externalId !== undefined) run.externalId = externalId;
    const startedAt = str(request.body, "started_at");
    if (startedAt !== undefined) run.startedAt = isoTime(startedAt, run.startedAt ?? now);
    applyProgress(run, request.body, now);
    applyOutput(run, request.body["output"]);
    await settleAutoMerge(twin, repo);
    return { status: 200, body: await runJson(request, twin, repo, run) };
  },

  "checks/list-annotations": async (request, twin) => {
    const { repo, run } = runOf(request, twin);
    const annotations = run.annotations.map((annotation) => ({
      path: annotation.path,
      blob_href: `${request.urls.web}/${fullName(repo)}/blob/${run.headSha}/${annotation.path}`,
      start_line: annotation.startLine,
      end_line: annotation.endLine,
      start_column: annotation.startColumn,
      end_column: annotation.endColumn,
      annotation_level: annotation.level,
      title: annotation.title,
      message: annotation.message,
      raw_details: annotation.rawDetails,
    }));
    return paginate(request, annotations, `/repos/${fullName(repo)}/check-runs/${run.id}/annotations`);
  },

  "checks/get": async (request, twin) => {
    const { repo, run } = runOf(request, twin);
    return { status: 200, body: await runJson(request, twin, repo, run) };
  },

  "checks/list-for-ref": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = request.params["ref"] ?? "";
    const sha = await commitOf(repo, ref);
    if (!sha) throw new HttpError(422, `No commit found for SHA: ${ref}`);
    const q = request.query;
    const name = q.get("check_name");
    const status = q.get("status");
    const appId = q.get("app_id");
    const latestOnly = (q.get("filter") ?? "latest") !== "all";
    const runs = [...repo.checkRuns.values()]
      .filter((run) => run.headSha === sha)
      .sort((a, b) => b.id - a.id)
      .filter((run, index, all) => !latestOnly || all.findIndex((r) => r.name === run.name) === index)
      .filter((run) => !name || run.name === name)
      .filter((run) => !status || run.status === status)
      .filter((run) => !appId || run.appId === Number(appId));
    const pageOf = paginate(request, runs, `/repos/${fullName(repo)}/commits/${ref}/check-runs`);
    const checkRuns: Json[] = [];
    for (const run of pageOf.body) checkRuns.push(await runJson(request, twin, repo, run));
    return { ...pageOf, body: { total_count: runs.length, check_runs: checkRuns } };
  },

  // ---- deployments ----
  "repos/create-deployment": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const ref = str(request.body, "ref") ?? "";
    if (!(await commitOf(repo, ref))) throw new HttpError(422, `No ref found for: ${ref}`);
    if (bool(request.body, "auto_merge") ?? true) {
      const merged = await autoMergeDefault(request, twin, repo, ref);
      if (merged !== null) return { status: 202, body: { message: merged } };
    }
    const sha = await commitOf(repo, ref);
    if (!sha) throw new HttpError(422, `No ref found for: ${ref}`);
    const failing = contextStates(repo, sha, stringList(request.body["required_contexts"])).filter(
      (c) => !c.passing,
    );
    if (failing.length > 0) {
      throw new HttpError(409, `Conflict: Commit status checks failed for ${ref}.`, [
        {
          contexts: failing.map(({ context, state }) => ({ context, state })),
          resource: "Deployment",
          field: "required_contexts",
          code: "invalid",
        },
      ]);
    }
    const environment = str(request.body, "environment") || "production";
    const id = twin.store.nextId();
    const deployment: DeploymentRecord = {
      id,
      nodeId: twin.store.nodeId("DE", id),
      sha,
      ref,
      task: str(request.body, "task") || "deploy",
      payload: payloadOf(request.body["payload"]),
      environment,
      originalEnvironment: environment,
      description: request.body["description"] === null ? null : (str(request.body, "description") ?? ""),
      transientEnvironment: bool(request.body, "transient_environment") ?? false,
      productionEnvironment: bool(request.body, "production_environment") ?? environment === "production",
      creator: actor(request, twin),
      createdAt: twin.store.timestamp(),
      statuses: [],
    };
    repo.deployments.set(id, deployment);
    const body = deploymentJson(request.urls, repo, deployment);
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "repos/list-deployments": async (request, twin) => {
    const repo = requireRepo(request, twin);
    const q = request.query;
    const sha = q.get("sha");
    const ref = q.get("ref");
    const environment = q.get("environment");
    const task = q.get("task");
    const deployments = [...repo.deployments.values()]
      .filter((d) => !sha || d.sha === sha)
      .filter((d) => !ref || d.ref === ref)
      .filter((d) => !environment || d.environment === environment)
      .filter((d) => !task || d.task === task)
      .sort((a, b) => b.id - a.id);
    const pageOf = paginate(request, deployments, `/repos/${fullName(repo)}/deployments`);
    return { ...pageOf, body: pageOf.body.map((d) => deploymentJson(request.urls, repo, d)) };
  },

  "repos/get-deployment": async (request, twin) => {
    const { repo, deployment } = deploymentOf(request, twin);
    return { status: 200, body: deploymentJson(request.urls, repo, deployment) };
  },

  "repos/create-deployment-status": async (request, twin) => {
    const { repo, deployment } = deploymentOf(request, twin);
    const state = str(request.body, "state") ?? "";
    const states = ["error", "failure", "inactive", "pending", "success", "queued", "in_progress"];
    if (!states.includes(state)) throw invalid("DeploymentStatus", "state");
    const user = actor(request, twin);
    const now = twin.store.timestamp();
    const targetUrl = str(request.body, "target_url");
    const logUrl = str(request.body, "log_url");
    const environment =
      str(request.body, "environment") || deployment.statuses.at(-1)?.environment || deployment.environment;
    const id = twin.store.nextId();
    const status: DeploymentStatusRecord = {
      id,
      nodeId: twin.store.nodeId("DES", id),
      state: state as DeploymentState,
      description: str(request.body, "description") ?? "",
      // Setting log_url sets target_url too (and the reverse, for legacy callers).
      targetUrl: logUrl ?? targetUrl ?? "",
      logUrl: logUrl ?? targetUrl ?? "",
      environmentUrl: str(request.body, "environment_url") ?? "",
      environment,
      creator: user,
      createdAt: now,
    };
    deployment.statuses.push(status);
    // auto_inactive (default true): earlier successful non-production, non-transient deployments to the
    // same environment get an `inactive` status.
    if (state === "success" && (bool(request.body, "auto_inactive") ?? true)) {
      for (const other of repo.deployments.values()) {
        if (other.id >= deployment.id || other.transientEnvironment || other.productionEnvironment) continue;
        const last = other.statuses.at(-1);
        if (!last || last.state !== "success" || last.environment !== environment) continue;
        const inactiveId = twin.store.nextId();
        other.statuses.push({
          ...last,
          id: inactiveId,
          nodeId: twin.store.nodeId("DES", inactiveId),
          state: "inactive",
          description: "",
          creator: user,
          createdAt: now,
        });
      }
    }
    const body = deploymentStatusJson(request.urls, repo, deployment, status);
    return { status: 201, body, headers: { location: String(body["url"]) } };
  },

  "repos/list-deployment-statuses": async (request, twin) => {
    const { repo, deployment } = deploymentOf(request, twin);
    const statuses = [...deployment.statuses].reverse();
    const path = `/repos/${fullName(repo)}/deployments/${deployment.id}/statuses`;
    const pageOf = paginate(request, statuses, path);
    return {
      ...pageOf,
      body: pageOf.body.map((s) => deploymentStatusJson(request.urls, repo, deployment, s)),
    };
  },
};
