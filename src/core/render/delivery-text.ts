import type { DoraFigures } from "../dora/dora-figures.js";
import { compactDuration } from "./duration-text.js";
import { cell, plain } from "./markdown.js";

/** What the dashboard and `report` show of a repository's delivery figures. */
export interface DeliveryView {
  readonly figures: readonly DoraFigures[];
  readonly truncated: boolean;
  readonly omitted: number;
}

/** A figure's duration (`3m12s`, `1h02m`, `2d04h`), or a dash when there is none. */
function durationText(seconds: number | undefined): string {
  return seconds === undefined ? "–" : compactDuration(seconds);
}

function rate(figures: DoraFigures): string {
  if (figures.changeFailureRate === undefined) return "–";
  return `${Math.round(figures.changeFailureRate * 100)}% (${figures.failed} of ${figures.deployments})`;
}

function frequency(figures: DoraFigures): string {
  return `${figures.deployments} (${figures.perDay.toFixed(2)}/day)`;
}

function lead(figures: DoraFigures): string {
  if (figures.leadTime.count === 0) return "–";
  return `${durationText(figures.leadTime.median)} (p90 ${durationText(figures.leadTime.p90)}, ${figures.leadTime.count} known)`;
}

function restore(figures: DoraFigures): string {
  const open = figures.restore.open > 0 ? `, ${figures.restore.open} not yet restored` : "";
  if (figures.restore.count === 0) return figures.restore.open > 0 ? `–${open}` : "–";
  return `${durationText(figures.restore.median)} (${figures.restore.count} restored${open})`;
}

const HEADERS = [
  "environment",
  "deployments",
  "lead time (median)",
  "change failure rate",
  "time to restore (median)",
];

function rowCells(figures: DoraFigures): string[] {
  return [figures.environment, frequency(figures), lead(figures), rate(figures), restore(figures)];
}

function notes(view: DeliveryView): string[] {
  return [
    ...(view.truncated
      ? ["The history read stopped at its page limit: the oldest days are not counted."]
      : []),
    ...(view.omitted > 0
      ? [`${view.omitted} deployment(s) were written in commits too large to list them: not counted.`]
      : []),
  ];
}

/**
 * The dashboard's "Delivery" section: one row per environment. Environment names come from the config
 * (validated keys) but are still escaped as table cells.
 */
export function deliverySection(view: DeliveryView, days: number): string {
  const rows = view.figures.map((figures) => {
    const [environment = "", ...rest] = rowCells(figures);
    return `| ${[plain(environment, 200), ...rest].map(cell).join(" | ")} |`;
  });
  return [
    "",
    `## Delivery (last ${days} days)`,
    "",
    `| ${HEADERS.join(" | ")} |`,
    `| ${HEADERS.map(() => "---").join(" | ")} |`,
    ...rows,
    "",
    "Read from the branch's history and the app's commit trailers: lead time runs from the source commit to the deployment commit on the branch; `gitops-image-bot report --since 30d` prints the same figures.",
    ...notes(view).map((note) => `\n${note}`),
  ].join("\n");
}

/** `gitops-image-bot report`: a plain-text table per repository, columns padded. */
export function deliveryReportText(repository: string, view: DeliveryView, window: string): string {
  const table = [HEADERS, ...view.figures.map(rowCells)];
  const widths = HEADERS.map((_, column) => Math.max(...table.map((row) => (row[column] ?? "").length)));
  const lines = table.map((row) =>
    row
      .map((text, column) => text.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd(),
  );
  return [`${repository}: delivery over the last ${window}`, ...lines, ...notes(view), ""].join("\n");
}
