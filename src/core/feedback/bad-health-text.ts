import { oneLine } from "../render/markdown.js";
import type { ImageHealth } from "./image-health.js";

/**
 * What went wrong, in Argo CD's words, as one line of plain text (the words are untrusted: whoever
 * writes it into Markdown escapes it): `Degraded: <message>`, `sync failed: <message>`. Argo CD 3
 * leaves an application's health message empty, so without one it says so and names the application
 * to look at: `Degraded (no message from Argo CD; see web-dev)`. `where` (` in qa`) follows the state.
 */
export function badHealthText(
  health: Pick<ImageHealth, "state" | "message" | "application">,
  where = "",
): string {
  const what = health.state === "failed" ? "sync failed" : "Degraded";
  const message = oneLine(health.message ?? "").trim();
  if (message !== "") return `${what}${where}: ${message}`;
  const application = oneLine(health.application).trim();
  return `${what}${where} (no message from Argo CD${application ? `; see ${application}` : ""})`;
}
