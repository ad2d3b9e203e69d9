import type { AlertFreezeRule } from "../../config/config.js";
import type { Freeze } from "../../state/state-file.js";
import { oneLine } from "../render/markdown.js";
import { ALERT_FREEZER, type Alert, type AlertNotification } from "./alert.js";
import type { AlertEdit } from "./alert-freeze.js";
import { freezeTargets } from "./freeze-targets.js";

/** How much of an alert's summary a freeze keeps as its reason (code points). */
export const REASON_LIMIT = 300;

export interface AlertDecision {
  /** Per environment: the resolved alerts' edits first, then one firing alert's (so a freeze is handed over). */
  readonly edits: readonly AlertEdit[];
  /** Alerts whose `gitops_image_bot_freeze` label named environments this repository does not have. */
  readonly unknown: readonly { readonly fingerprint: string; readonly names: readonly string[] }[];
  /** Alerts a rule matched. */
  readonly matched: number;
}

/**
 * What one notification asks of one manifests repository's freezes, before the state file is read:
 * for each environment its matching alerts name, the freezes of the alerts that resolved are lifted
 * and the first firing alert freezes it. The deploy batch settles these against the state file
 * (`freezeAfterAlert`): a person's freeze stays, an environment already frozen by an alert stays so,
 * and fifty alerts of one group firing for one environment make one freeze.
 */
export function alertEdits(
  notification: AlertNotification,
  rules: readonly AlertFreezeRule[],
  environments: readonly string[],
  at: string,
): AlertDecision {
  const resolved = new Map<string, string[]>();
  const firing = new Map<string, Alert>();
  const unknown: { fingerprint: string; names: string[] }[] = [];
  let matched = 0;
  for (const alert of notification.alerts) {
    const targets = freezeTargets(alert, rules, environments);
    if (!targets.matched) continue;
    matched++;
    if (targets.unknown.length > 0)
      unknown.push({ fingerprint: alert.fingerprint, names: [...targets.unknown] });
    for (const environment of targets.environments) {
      if (alert.status === "firing") {
        if (!firing.has(environment)) firing.set(environment, alert);
      } else {
        const list = resolved.get(environment) ?? [];
        if (!list.includes(alert.fingerprint)) list.push(alert.fingerprint);
        resolved.set(environment, list);
      }
    }
  }
  const edits: AlertEdit[] = [];
  for (const environment of environments) {
    for (const alert of resolved.get(environment) ?? [])
      edits.push({ kind: "alert-resolved", environment, alert });
    const alert = firing.get(environment);
    if (alert)
      edits.push({ kind: "alert-firing", environment, freeze: alertFreeze(alert, notification, at) });
  }
  return { edits, unknown, matched };
}

/** The freeze a firing alert places: by Alertmanager, with its summary (or name) and a link. */
export function alertFreeze(
  alert: Alert,
  notification: Pick<AlertNotification, "externalURL">,
  at: string,
): Freeze & { readonly alert: string } {
  const summary = oneLine(alert.annotations["summary"] ?? "") || oneLine(alert.labels["alertname"] ?? "");
  const reason = summary === "" ? undefined : Array.from(summary).slice(0, REASON_LIMIT).join("");
  const url = webUrl(alert.generatorURL) ?? webUrl(notification.externalURL);
  return {
    by: ALERT_FREEZER,
    at,
    ...(reason === undefined ? {} : { reason }),
    alert: alert.fingerprint,
    ...(url === undefined ? {} : { url }),
  };
}

/** An http(s) URL as a link may carry it (parentheses encoded), or undefined for anything else. */
export function webUrl(text: string | undefined): string | undefined {
  if (text === undefined || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return url.href.replace(/\(/g, "%28").replace(/\)/g, "%29");
}
