import type { Row } from "../reconcile/observe.js";
import type { Freeze, State } from "../../state/state-file.js";
import { webUrl } from "../alerts/alert-edits.js";
import { freezeOf } from "../../state/state-file.js";
import { link } from "./command-reply.js";
import { refusedFileItem, type RefusedFileInfo } from "./refused-files-text.js";
import { rowsTable, rowsTableWithin } from "./deployment-rows.js";
import { fitText, GITHUB_LIMITS, takeLines, textSize } from "./fit-github.js";
import { code, person, plain } from "./markdown.js";
import { deliverySection, type DeliveryView } from "./delivery-text.js";

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
  /** Manifests files under the environments' paths the app refused to read (too large, alias bombs). */
  readonly refused?: readonly RefusedFileInfo[];
  /** The delivery figures (DORA) of the last `days` days, when the pass could read the history. */
  readonly delivery?: { readonly view: DeliveryView; readonly days: number };
}

/** A list section of the dashboard: its heading, its items, and what a cut list says of the rest. */
interface ListSection {
  readonly title: string;
  readonly items: readonly string[];
  readonly more: (omitted: number) => string;
}

/** An environment's section: its rows, in a collapsed table. */
interface EnvironmentSection {
  readonly environment: string;
  readonly rows: readonly Row[];
}

/** How much of the body each list may take when the whole picture does not fit. */
const LIST_SHARE = Math.floor(GITHUB_LIMITS.issueBody / 8);
/** Kept free below GitHub's limit. */
const MARGIN = 256;

/**
 * The dashboard issue's body, from data only (no clock beyond whole days), so an unchanged picture
 * renders the same text and the issue is edited only when something changed. It always fits GitHub's
 * limit on an issue body: when the whole picture would not, each list and each environment's table
 * shows what fits (what needs a look first) and says how to see the rest (`/status <env>`).
 */
export function dashboardBody(input: DashboardInput): string {
  const head = [
    DASHBOARD_MARKER,
    "",
    `What runs in each environment of ${input.repository} (branch ${code(input.branch)}), against the newest successful build of the branch each environment follows. The app keeps this issue up to date; comment \`/help\` to steer it.`,
    ...(input.delivery ? [deliverySection(input.delivery.view, input.delivery.days)] : []),
  ].join("\n");
  const lists = listSections(input);
  const environments = input.environments
    .map((environment) => ({
      environment,
      rows: input.rows.filter((row) => row.environment === environment),
    }))
    .filter((section) => section.rows.length > 0);
  const table = (section: EnvironmentSection) =>
    rowsTable(section.rows, input.now, input.depth, { coarse: true, withEnvironment: false });
  const whole = assemble(
    head,
    lists.map((list) => listText(list, list.items)),
    environments.map((section) => environmentText(section, table(section))),
  );
  const limit = GITHUB_LIMITS.issueBody;
  if (textSize(whole) <= limit) return whole;

  const listTexts = lists.map((list) => {
    const { kept, omitted } = takeLines(
      list.items.map((item) => `- ${item}`),
      LIST_SHARE,
    );
    return listText(
      list,
      kept.map((line) => line.slice(2)),
      omitted,
    );
  });
  const fixed = textSize(
    assemble(
      head,
      listTexts,
      environments.map((section) => environmentText(section, "")),
    ),
  );
  const shares = shareOut(
    environments.map((section) => textSize(table(section))),
    limit - MARGIN - fixed,
  );
  const summarised = assemble(
    head,
    listTexts,
    environments.map((section, index) =>
      environmentText(
        section,
        rowsTableWithin(section.rows, input.now, input.depth, {
          coarse: true,
          withEnvironment: false,
          budget: shares[index] ?? 0,
          more: (omitted) =>
            `… and ${omitted} more: comment \`/status ${section.environment}\` to see them (the rows that need a look are shown first)`,
        }),
      ),
    ),
  );
  return fitText(summarised, limit);
}

/** A freeze an Alertmanager alert placed: its summary as plain text, and a link to its source. */
function alertFreezeItem(environment: string, alert: string, freeze: Freeze): string {
  const url = webUrl(freeze.url);
  const source = url ? ` (${link("source", url)})` : "";
  const why = freeze.reason ? `: ${plain(freeze.reason)}` : "";
  return `**${environment}** frozen by the Alertmanager alert ${code(alert)} since ${plain(freeze.at)}, until it resolves (or \`/unfreeze\`)${why}${source}`;
}

function listSections(input: DashboardInput): ListSection[] {
  const attention: string[] = [];
  for (const row of input.rows)
    if (row.state.kind === "behind" && !row.repair)
      attention.push(
        `${code(row.image)} in ${row.environment} is behind, and ${row.hold ? "held" : "frozen"}: it moves when that is lifted`,
      );
  for (const file of input.refused ?? []) attention.push(refusedFileItem(file));
  if (input.unread > 0)
    attention.push(
      `The last pass could not finish: ${input.unread} branch(es) were left for the next pass (raise \`reconcile.requestBudget\` to read them at once)`,
    );
  if (input.lastError)
    attention.push(
      `Last error (${plain(input.lastError.at.slice(0, 10))}): ${plain(input.lastError.message)}`,
    );

  const freezes = input.environments.flatMap((environment) => {
    const freeze = freezeOf(input.state, environment, input.now);
    if (!freeze) return [];
    const until = freeze.until ? ` until ${plain(freeze.until)}` : " until `/unfreeze`";
    const why = freeze.reason ? `: ${plain(freeze.reason)}` : "";
    if (freeze.alert !== undefined) return [alertFreezeItem(environment, freeze.alert, freeze)];
    return [`**${environment}** frozen by ${person(freeze.by)} since ${plain(freeze.at)}${until}${why}`];
  });
  const holds = Object.entries(input.state.holds).flatMap(([environment, images]) =>
    Object.entries(images).map(
      ([image, hold]) =>
        `**${plain(environment)}** ${code(image)} held at ${code(hold.tag)} by ${person(hold.by)} since ${plain(hold.at)}${hold.reason ? `: ${plain(hold.reason)}` : ""} (${code(`/resume ${environment}`)} lifts it)`,
    ),
  );
  return [
    {
      title: "Needs attention",
      items: attention,
      more: (n) => `… and ${n} more: each is marked in its environment's table, or comment \`/status\``,
    },
    {
      title: "Holds and freezes",
      items: [...freezes, ...holds],
      more: (n) => `… and ${n} more: each is marked in its environment's table`,
    },
    {
      title: "Open pull requests",
      items: input.pulls.map((pull) => `${link(`#${pull.number}`, pull.url)} ${plain(pull.title, 256)}`),
      more: (n) => `… and ${n} more pull requests of the app are open`,
    },
  ];
}

function listText(list: ListSection, items: readonly string[], omitted = 0): string {
  if (items.length + omitted === 0) return "";
  const more = omitted > 0 ? ["", list.more(omitted)] : [];
  return ["", `## ${list.title}`, "", ...items.map((item) => `- ${item}`), ...more].join("\n");
}

/** An environment's heading and its table, collapsed, under a line that counts its rows by state. */
function environmentText(section: EnvironmentSection, table: string): string {
  return [
    "",
    `## ${section.environment}`,
    "",
    `<details><summary>${countsText(section.rows)}</summary>`,
    "",
    table,
    "",
    "</details>",
  ].join("\n");
}

function countsText(rows: readonly Row[]): string {
  const count = (kind: Row["state"]["kind"]) => rows.filter((row) => row.state.kind === kind).length;
  const parts = [
    [count("current"), "on the newest build"],
    [count("behind"), "behind"],
    [count("other-branch"), "from another branch"],
    [count("no-build"), "without a successful build"],
    [count("untracked"), "not compared"],
  ] as const;
  const held = rows.filter((row) => row.hold !== undefined || row.freeze !== undefined).length;
  const what = parts.filter(([n]) => n > 0).map(([n, text]) => `${n} ${text}`);
  if (held > 0) what.push(`${held} held or frozen`);
  return `${rows.length} image${rows.length === 1 ? "" : "s"}: ${what.join(", ")}`;
}

function assemble(head: string, lists: readonly string[], environments: readonly string[]): string {
  return `${[head, ...lists, ...environments].filter((text) => text !== "").join("\n")}\n`;
}

/**
 * `budget` shared out among parts that want `wants`: the smallest first get all they want, the others an
 * equal share of what is left.
 */
function shareOut(wants: readonly number[], budget: number): number[] {
  const shares = wants.map(() => 0);
  let left = Math.max(0, budget);
  const order = wants.map((want, index) => ({ want, index })).sort((a, b) => a.want - b.want);
  order.forEach(({ want, index }, position) => {
    const share = Math.min(want, Math.floor(left / (order.length - position)));
    shares[index] = share;
    left -= share;
  });
  return shares;
}
