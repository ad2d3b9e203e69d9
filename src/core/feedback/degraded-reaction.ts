import type { OnDegraded } from "../../config/config.js";
import { clipLine } from "../render/fit-github.js";
import { badHealthText } from "./bad-health-text.js";
import type { ImageHealth } from "./image-health.js";

/** Who places the holds of `onDegraded` (the state file's `by`). */
export const DEGRADED_BY = "gitops-image-bot";

/** How much of Argo CD's message a hold's reason repeats. */
export const REASON_LIMIT = 200;

/** What the app does about a tag that went Degraded (or whose sync failed) in an environment. */
export type DegradedReaction =
  | { readonly kind: "none" }
  /** Hold the image at `tag` (the bad one, left in place): the next build is not deployed. */
  | {
      readonly kind: "hold";
      readonly tag: string;
      readonly reason: string;
      /** Set when `rollback` was asked but no tag was ever Healthy there. */
      readonly noHealthyTag: boolean;
    }
  /** Put `to` (the last tag that was Healthy there) back and hold it. */
  | { readonly kind: "rollback"; readonly from: string; readonly to: string; readonly reason: string };

/** The hold's reason: what Argo CD said, as one line of plain text (it is untrusted), clipped. */
export function degradedReason(health: ImageHealth): string {
  return clipLine(badHealthText(health), REASON_LIMIT);
}

/**
 * `environments.<env>.onDegraded` applied to one change: `report` does nothing more than the
 * deployment's `failure`; `hold` holds the bad tag; `rollback` goes back to the last Healthy tag and
 * holds it, or holds the bad tag when no other tag was ever seen Healthy there.
 */
export function degradedReaction(
  setting: OnDegraded | undefined,
  health: ImageHealth,
  lastHealthy: string | undefined,
): DegradedReaction {
  if (health.state !== "degraded" && health.state !== "failed") return { kind: "none" };
  if (setting !== "hold" && setting !== "rollback") return { kind: "none" };
  const reason = degradedReason(health);
  if (setting === "rollback" && lastHealthy !== undefined && lastHealthy !== health.tag)
    return { kind: "rollback", from: health.tag, to: lastHealthy, reason };
  return { kind: "hold", tag: health.tag, reason, noHealthyTag: setting === "rollback" };
}
