import type { Build } from "../core/plan/build.js";
import { firstIssue, workflowRunPayloadSchema, sourceRepository } from "./payload-schemas.js";

export type BuildParse =
  | { ok: true; build: Build }
  | { ok: false; ignored: string }
  | { ok: false; invalid: string }
  /** A build that must never deploy (another repository's code): logged at info, not at debug. */
  | { ok: false; refused: string };

/** A `workflow_run` webhook as a Build: only completed, successful runs count. */
export function buildFromWorkflowRun(payload: unknown, id: string, receivedAt: number): BuildParse {
  const parsed = workflowRunPayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, invalid: firstIssue(parsed.error) };
  const { action, repository, workflow_run: run } = parsed.data;
  if (action !== "completed") return { ok: false, ignored: `action ${action}` };
  if (run.conclusion !== "success") return { ok: false, ignored: `conclusion ${run.conclusion ?? "none"}` };
  // A fork's code (a pull request from another repository) never deploys, whatever its branch is called.
  if (run.head_repository?.id !== repository.id)
    return {
      ok: false,
      refused: `built from ${run.head_repository?.full_name ?? "a deleted repository"}, not from ${repository.owner.login}/${repository.name}: another repository's code never deploys`,
    };
  return {
    ok: true,
    build: {
      trigger: "workflow_run",
      id,
      repository: sourceRepository(repository),
      sha: run.head_sha.toLowerCase(),
      branch: run.head_branch ?? undefined,
      event: run.event,
      workflowPath: run.path,
      url: run.html_url,
      image: undefined,
      buildNumber: run.run_number,
      receivedAt,
      committedAt: timeOf(run.head_commit?.timestamp),
    },
  };
}

/** An ISO 8601 time as ms since the epoch; undefined when absent or not a time. */
function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}
