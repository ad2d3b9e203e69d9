import type { AlertFreezeRule } from "../../config/config.js";
import { FREEZE_LABEL, type Alert } from "./alert.js";

export type FreezeTargets =
  /** No rule matches the alert's labels: it freezes nothing. */
  | { readonly matched: false }
  | {
      readonly matched: true;
      /** The configured environments the alert freezes, in the config's order. */
      readonly environments: readonly string[];
      /** Names from the alert's label that are no environment of this repository (ignored). */
      readonly unknown: readonly string[];
    };

/** The first rule whose every `match` label the alert carries with that value. */
export function ruleFor(
  rules: readonly AlertFreezeRule[],
  labels: Readonly<Record<string, string>>,
): AlertFreezeRule | undefined {
  return rules.find((rule) => Object.entries(rule.match).every(([label, value]) => labels[label] === value));
}

/**
 * The environments an alert freezes under `rules` (first match wins): the rule's `environments`, or,
 * when it names none, those the alert's `gitops_image_bot_freeze` label lists (comma-separated), unknown
 * names set apart.
 */
export function freezeTargets(
  alert: Alert,
  rules: readonly AlertFreezeRule[],
  environments: readonly string[],
): FreezeTargets {
  const rule = ruleFor(rules, alert.labels);
  if (!rule) return { matched: false };
  const named = rule.environments ?? listed(alert.labels[FREEZE_LABEL]);
  const known = new Set(environments);
  return {
    matched: true,
    environments: environments.filter((environment) => named.includes(environment)),
    unknown: [...new Set(named.filter((name) => !known.has(name)))],
  };
}

function listed(label: string | undefined): string[] {
  return (label ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}
