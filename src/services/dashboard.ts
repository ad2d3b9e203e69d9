import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import {
  DASHBOARD_LABEL,
  DASHBOARD_MARKER,
  DASHBOARD_TITLE,
  dashboardBody,
  type DashboardInput,
} from "../core/render/dashboard.js";
import type { Observation } from "./observer.js";
import type { Pacer } from "./pacer.js";
import type { OpenAppPulls } from "./open-app-pulls.js";

/**
 * The dashboard issue of a manifests repository: found by its label and first line, created once, and
 * edited only when its text changes (two reads a pass; a write only on change).
 */
export class Dashboard {
  constructor(private readonly pacer: (installationId: number) => Pacer) {}

  async update(
    octokit: Octokit,
    installationId: number,
    repo: RepoId,
    input: {
      observation: Observation;
      now: number;
      depth: number;
      lastError: { at: string; message: string } | undefined;
      delivery?: DashboardInput["delivery"];
      /** The app's open pull requests (read once a pass, shared with the gates). */
      pulls: OpenAppPulls;
    },
  ): Promise<"created" | "edited" | "unchanged"> {
    const where = { owner: repo.owner, repo: repo.name };
    const { observation } = input;
    const body = dashboardBody({
      repository: `${repo.owner}/${repo.name}`,
      branch: observation.snapshot.branch,
      environments: Object.keys(observation.config.environments),
      rows: observation.rows,
      state: observation.state,
      now: input.now,
      depth: input.depth,
      pulls: (await input.pulls()).map(({ number, url, title }) => ({ number, url, title })),
      lastError: input.lastError,
      unread: observation.unread,
      refused: observation.refused,
      ...(input.delivery ? { delivery: input.delivery } : {}),
    });
    const { data: issues } = await octokit.rest.issues.listForRepo({
      ...where,
      labels: DASHBOARD_LABEL,
      state: "open",
      per_page: 20,
    });
    const existing = issues.find(
      (issue) => !issue.pull_request && (issue.body ?? "").startsWith(DASHBOARD_MARKER),
    );
    if (existing && normalize(existing.body ?? "") === normalize(body)) return "unchanged";
    await this.pacer(installationId).take(false);
    if (existing) {
      await octokit.rest.issues.update({ ...where, issue_number: existing.number, body });
      return "edited";
    }
    await octokit.rest.issues.create({ ...where, title: DASHBOARD_TITLE, body, labels: [DASHBOARD_LABEL] });
    return "created";
  }
}

/** GitHub may store a body with CRLF line endings and without the final newline. */
function normalize(text: string): string {
  return text.replace(/\r\n/g, "\n").trimEnd();
}
