import { spokenDuration } from "../render/duration-text.js";
import { clipLine, fitText, GITHUB_LIMITS } from "../render/fit-github.js";
import { code, oneLine, plain } from "../render/markdown.js";
import { badHealthText } from "./bad-health-text.js";
import type { ImageHealth } from "./image-health.js";

/** The name of the gate's check run on a gated pull request's head commit. */
export const GATE_CHECK_NAME = "gitops-image-bot/gate";

/** `environments.<env>.after`: the build must first be Synced and Healthy in `environment` that long. */
export interface GateRule {
  readonly environment: string;
  readonly healthyForSeconds: number;
}

/** The build a gated pull request carries (one image per pull request). */
export interface GatedBuild {
  readonly image: string;
  readonly tag: string;
}

/** What the gate's check run says: still waiting, passed, or failed (then it is final). */
export type GateVerdict =
  | { readonly status: "in_progress"; readonly title: string; readonly summary: string }
  | {
      readonly status: "completed";
      readonly conclusion: "success" | "failure";
      readonly title: string;
      readonly summary: string;
    };

/** A check run's `output.title`: one line, kept short (GitHub shows it beside the check's name). */
const TITLE_LIMIT = 200;

/**
 * How much of the soak has passed, as the title says it: in the unit of the rule (minutes for a rule of
 * two minutes or more), in steps of a tenth of the rule (at least one unit), so that the check run
 * changes at most about ten times while it waits (each change is a request to GitHub).
 */
function progressText(elapsedSeconds: number, rule: GateRule): string {
  const minutes = rule.healthyForSeconds >= 120;
  const unitSeconds = minutes ? 60 : 1;
  const total = Math.floor(rule.healthyForSeconds / unitSeconds);
  const step = Math.max(1, Math.floor(total / 10));
  const done = Math.min(total, Math.floor(Math.floor(elapsedSeconds / unitSeconds) / step) * step);
  return `${done} of ${total} ${minutes ? "minutes" : "seconds"}`;
}

/** The one line a gated pull request's body carries about its gate. */
export function gateLine(rule: GateRule, build: GatedBuild): string {
  return `Merges after ${code(`${build.image}:${build.tag}`, 500)} has been Healthy in **${plain(rule.environment, 100)}** for ${spokenDuration(rule.healthyForSeconds)} (check ${code(GATE_CHECK_NAME)}).`;
}

/** What the environment runs now, for the summary of a gate still waiting for its build. */
function nowRunning(rule: GateRule, health: ImageHealth | undefined): string {
  if (!health) return `The app has not yet seen ${plain(rule.environment, 100)} run this image.`;
  return `${plain(rule.environment, 100)} runs ${code(health.tag)} (${health.state}) now.`;
}

/**
 * The gate of one pull request, decided from how its build is doing in the `after` environment: passed
 * when the same tag has been Synced and Healthy there for `healthyForSeconds`, failed when it is
 * Degraded or its sync failed there (with Argo CD's message, untrusted: plain and clipped), else waiting.
 */
export function gateVerdict(
  rule: GateRule,
  build: GatedBuild,
  health: ImageHealth | undefined,
  now: number,
): GateVerdict {
  const env = rule.environment;
  const wanted = `${build.image}:${build.tag}`;
  const need = spokenDuration(rule.healthyForSeconds);
  const intro = `This pull request merges after ${code(wanted, 500)} has been Synced and Healthy in **${plain(env, 100)}** for ${need}.`;
  const summary = (...lines: string[]) =>
    fitText([intro, "", ...lines].join("\n"), GITHUB_LIMITS.checkOutput, { measure: "bytes" });
  // Shown as plain text: one line without control characters, clipped (Argo CD's message is untrusted).
  const title = (text: string) => clipLine(oneLine(text), TITLE_LIMIT);
  const link = health?.url ? `Argo CD: ${code(health.url, 500)}` : undefined;
  const ours = health !== undefined && health.tag === build.tag;
  if (!ours || health === undefined)
    return {
      status: "in_progress",
      title: title(`waiting for ${build.tag} to run in ${env}`),
      summary: summary(nowRunning(rule, health)),
    };
  if (health.state === "degraded" || health.state === "failed") {
    return {
      status: "completed",
      conclusion: "failure",
      title: title(badHealthText(health, ` in ${env}`)),
      summary: summary(
        `${code(build.tag)} is ${plain(badHealthText(health, ` in ${env}`))}`,
        "",
        "The gate does not pass for this build; a newer build gets a new gate.",
        ...(link ? ["", link] : []),
      ),
    };
  }
  if (health.state === "progressing")
    return {
      status: "in_progress",
      title: title(`waiting for ${build.tag} to be Synced and Healthy in ${env}`),
      summary: summary(
        `${code(build.tag)} runs in ${plain(env, 100)} and is not yet Synced and Healthy.`,
        ...(link ? ["", link] : []),
      ),
    };
  const elapsed = Math.max(0, Math.floor((now - health.since) / 1000));
  if (elapsed >= rule.healthyForSeconds)
    return {
      status: "completed",
      conclusion: "success",
      title: title(`Healthy in ${env} for ${need}`),
      summary: summary(
        `${code(build.tag)} has been Synced and Healthy in ${plain(env, 100)} since ${new Date(health.since).toISOString()}.`,
        ...(link ? ["", link] : []),
      ),
    };
  return {
    status: "in_progress",
    title: title(`${env} has been Healthy for ${progressText(elapsed, rule)}`),
    summary: summary(
      `${code(build.tag)} has been Synced and Healthy in ${plain(env, 100)} since ${new Date(health.since).toISOString()}.`,
      ...(link ? ["", link] : []),
    ),
  };
}
