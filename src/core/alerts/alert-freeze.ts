import type { Freeze, StateEdit } from "../../state/state-file.js";

/** A state edit an alert asks for, settled against the state file the batch reads. */
export type AlertEdit = Extract<StateEdit, { kind: "alert-firing" | "alert-resolved" }>;

export function isAlertEdit(edit: StateEdit): edit is AlertEdit {
  return edit.kind === "alert-firing" || edit.kind === "alert-resolved";
}

/**
 * The freeze an environment has after an alert's edit, from the one it had (the same object when the
 * edit changes nothing). A firing alert freezes an environment that no freeze in force holds: a
 * person's freeze is never replaced, nor another alert's (the first alert keeps it). A resolved alert
 * lifts only the freeze whose `alert` is its fingerprint.
 */
export function freezeAfterAlert(current: Freeze | undefined, edit: AlertEdit): Freeze | undefined {
  if (edit.kind === "alert-resolved") return current?.alert === edit.alert ? undefined : current;
  if (current && inForce(current, Date.parse(edit.freeze.at))) return current;
  return edit.freeze;
}

function inForce(freeze: Freeze, now: number): boolean {
  return freeze.until === undefined || Date.parse(freeze.until) > now;
}
