import type { Freeze, State, StateEdit } from "../../state/state-file.js";
import { freezeAfterAlert, isAlertEdit, type AlertEdit } from "./alert-freeze.js";

/**
 * A batch's state edits settled against the state file it read: people's edits as they are, in their
 * order, then, per environment an alert touched, only what the alerts change in the end. A firing,
 * resolved, firing sequence in one batch leaves one freeze (or none, when the alert had frozen it
 * already: no commit), a resolved alert whose freeze a person replaced lifts nothing, and a freeze
 * handed from one alert to another is a lift and a freeze. Applied in this order by `editState`, the
 * edits give the same file as all the edits one by one.
 */
export function settleStateEdits(state: State, edits: readonly StateEdit[]): StateEdit[] {
  if (!edits.some(isAlertEdit)) return [...edits];
  const people: StateEdit[] = [];
  const final = new Map<string, Freeze | undefined>();
  const afterPeople = new Map<string, Freeze | undefined>();
  const touched: string[] = [];
  const freezeIn = (map: Map<string, Freeze | undefined>, environment: string) =>
    map.has(environment) ? map.get(environment) : state.freezes[environment];
  for (const edit of edits) {
    if (isAlertEdit(edit)) {
      final.set(edit.environment, freezeAfterAlert(freezeIn(final, edit.environment), edit));
      if (!touched.includes(edit.environment)) touched.push(edit.environment);
      continue;
    }
    people.push(edit);
    if (edit.kind === "freeze" || edit.kind === "unfreeze") {
      const freeze = edit.kind === "freeze" ? edit.freeze : undefined;
      final.set(edit.environment, freeze);
      afterPeople.set(edit.environment, freeze);
    }
  }
  const settled: StateEdit[] = [...people];
  for (const environment of touched) {
    const before = freezeIn(afterPeople, environment);
    const after = freezeIn(final, environment);
    settled.push(...difference(environment, before, after));
  }
  return settled;
}

/** The alert edits that turn `before` into `after` (alerts place and lift only alerts' freezes). */
function difference(environment: string, before: Freeze | undefined, after: Freeze | undefined): AlertEdit[] {
  const lift: AlertEdit[] =
    before?.alert === undefined
      ? []
      : [
          {
            kind: "alert-resolved",
            environment,
            alert: before.alert,
            ...(before.reason === undefined ? {} : { reason: before.reason }),
          },
        ];
  // No alert freezes it in the end: the alert's freeze that was there is lifted (a person's stays).
  if (after?.alert === undefined) return after === undefined ? lift : [];
  // The same alert still freezes it: the entry stays as it is (no commit for a repeated notification).
  if (before?.alert === after.alert) return [];
  return [...lift, { kind: "alert-firing", environment, freeze: { ...after, alert: after.alert } }];
}
