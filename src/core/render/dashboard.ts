import type { Row } from "../reconcile/observe.js";
import type { State } from "../../state/state-file.js";
import { freezeOf } from "../../state/state-file.js";
import { link } from "./command-reply.js";
import { rowsTable } from "./deployment-rows.js";

export const DASHBOARD_TITLE = "gitops-image-bot dashboard";
export const DASHBOARD_LABEL = "gitops-image-bot";
/** The first line of the body: how the app tells its dashboard from an issue a person titled alike. */
export const DASHBOARD_MARKER =
  "<!-- gitops-image-bot dashboard: written by the app, edits are overwritten -->";

export interface DashboardInput {
  /** `owner/name` of the manifests repository, and the branch the app writes. */
  readonly repository: string;
  readonly branch: string;
  readonly environments: readonly string[];
  readonly rows: readonly Row[];
  readonly state: State;
  readonly now: number;
  readonly depth: number;
  /** The app's open pull requests in the manifests repository. */
  readonly pulls: readonly { number: number; url: string; title: string }[];
  /** The last failure of a batch or pass, if the last one failed. */
  readonly lastError: { readonly at: string; readonly message: string } | undefined;
  /** Branches the pass could not read within its request budget. */
  readonly unread: number;
}

/**
 * The dashboard issue's body, from data only (no clock beyond whole days), so an unchanged picture
 * renders the same text and the issue is edited only when something changed.
 */
export function dashboardBody(input: DashboardInput): string {
  const out: string[] = [DASHBOARD_MARKER, ""];
  out.push(
    `What runs in each environment of ${input.repository} (branch \`${input.branch}\`), against the newest successful build of the branch each environment follows. The app keeps this issue up to date; comment \`/help\` to steer it.`,
  );
  const attention: string[] = [];
  for (const row of input.rows)
    if (row.state.kind === "behind" && !row.repair)
      attention.push(
        `\`${row.image}\` in ${row.environment} is behind, and ${row.hold ? "held" : "frozen"}: it moves when that is lifted`,
      );
  if (input.unread > 0)
    attention.push(
      `The last pass could not finish: ${input.unread} branch(es) were left for the next pass (raise \`reconcile.requestBudget\` to read them at once)`,
    );
  if (input.lastError)
    attention.push(`Last error (${input.lastError.at.slice(0, 10)}): ${oneLine(input.lastError.message)}`);
  if (attention.length > 0) out.push("", "## Needs attention", "", ...attention.map((line) => `- ${line}`));

  const freezes = input.environments.flatMap((environment) => {
    const freeze = freezeOf(input.state, environment, input.now);
    if (!freeze) return [];
    const until = freeze.until ? ` until ${freeze.until}` : " until `/unfreeze`";
    const why = freeze.reason ? `: ${oneLine(freeze.reason)}` : "";
    return [`- **${environment}** frozen by @${freeze.by} since ${freeze.at}${until}${why}`];
  });
  const holds = Object.entries(input.state.holds).flatMap(([environment, images]) =>
    Object.entries(images).map(
      ([image, hold]) =>
        `- **${environment}** \`${image}\` held at \`${hold.tag}\` by @${hold.by} since ${hold.at}${hold.reason ? `: ${oneLine(hold.reason)}` : ""} (\`/resume ${environment}\` lifts it)`,
    ),
  );
  if (freezes.length + holds.length > 0) out.push("", "## Holds and freezes", "", ...freezes, ...holds);
  if (input.pulls.length > 0)
    out.push(
      "",
      "## Open pull requests",
      "",
      ...input.pulls.map((pull) => `- ${link(`#${pull.number}`, pull.url)} ${oneLine(pull.title)}`),
    );
  for (const environment of input.environments) {
    const rows = input.rows.filter((row) => row.environment === environment);
    if (rows.length === 0) continue;
    out.push(
      "",
      `## ${environment}`,
      "",
      rowsTable(rows, input.now, input.depth, { coarse: true, withEnvironment: false }),
    );
  }
  return `${out.join("\n")}\n`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
