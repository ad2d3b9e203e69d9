import type { Octokit } from "../../adapters/github/octokit.js";
import { GATE_CHECK_NAME, type GateVerdict } from "../../core/feedback/gate.js";
import type { ManifestsRepoId } from "../../core/feedback/observation.js";

/** What a check run request says for a verdict: status, conclusion when completed, output. */
function runFields(verdict: GateVerdict, detailsUrl: string | undefined) {
  return {
    status: verdict.status,
    ...(verdict.status === "completed" ? { conclusion: verdict.conclusion } : {}),
    output: { title: verdict.title, summary: verdict.summary },
    ...(detailsUrl ? { details_url: detailsUrl } : {}),
  };
}

/** Argo CD's link for the check's details, when it is an http(s) URL (it comes from Argo CD's config). */
export function detailsUrlOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the gate's check run on a pull request's head commit; returns its id. */
export async function createGateRun(
  octokit: Octokit,
  repo: ManifestsRepoId,
  headOid: string,
  verdict: GateVerdict,
  detailsUrl: string | undefined,
): Promise<number> {
  const { data } = await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.name,
    name: GATE_CHECK_NAME,
    head_sha: headOid,
    ...runFields(verdict, detailsUrl),
  });
  return data.id;
}

/** Says the gate's new verdict on its check run. */
export async function updateGateRun(
  octokit: Octokit,
  repo: ManifestsRepoId,
  checkRunId: number,
  verdict: GateVerdict,
  detailsUrl: string | undefined,
): Promise<void> {
  await octokit.rest.checks.update({
    owner: repo.owner,
    repo: repo.name,
    check_run_id: checkRunId,
    ...runFields(verdict, detailsUrl),
  });
}

/** Whether two verdicts read the same on GitHub (then the check run is not updated). */
export function sameVerdict(a: GateVerdict | undefined, b: GateVerdict): boolean {
  return (
    a !== undefined &&
    a.status === b.status &&
    (a.status === "completed" ? a.conclusion : undefined) ===
      (b.status === "completed" ? b.conclusion : undefined) &&
    a.title === b.title &&
    a.summary === b.summary
  );
}

/** The app's own gate check run on a commit already (the latest), as a verdict: one read, no write. */
export async function findGateRun(
  octokit: Octokit,
  repo: ManifestsRepoId,
  headOid: string,
  appSlug: string,
): Promise<{ id: number; shown: GateVerdict } | undefined> {
  const { data } = await octokit.rest.checks.listForRef({
    owner: repo.owner,
    repo: repo.name,
    ref: headOid,
    check_name: GATE_CHECK_NAME,
    filter: "latest",
    per_page: 100,
  });
  // Another app may name a check run the same: only the app's own counts.
  const run = data.check_runs.find((each) => each.app?.slug === appSlug);
  if (!run) return undefined;
  const title = run.output.title ?? "";
  const summary = run.output.summary ?? "";
  const shown: GateVerdict =
    run.status === "completed"
      ? {
          status: "completed",
          conclusion: run.conclusion === "success" ? "success" : "failure",
          title,
          summary,
        }
      : { status: "in_progress", title, summary };
  return { id: run.id, shown };
}
