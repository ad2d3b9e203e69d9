import { settleStateEdits } from "../../src/core/alerts/settle-state-edits.js";
import { commitMessage } from "../../src/core/render/commit-message.js";
import {
  editState,
  EMPTY_STATE,
  parseState,
  type Freeze,
  type State,
  type StateEdit,
} from "../../src/state/state-file.js";

const AT = "2026-03-02T09:15:00.000Z";

const alertFreeze = (alert: string, reason = `summary of ${alert}`): Freeze & { alert: string } => ({
  by: "alertmanager",
  at: AT,
  reason,
  alert,
  url: "http://prometheus:9090/graph",
});
const person: Freeze = { by: "alice", at: "2026-03-01T00:00:00Z", reason: "release party" };
const expired: Freeze = { by: "alice", at: "2026-01-01T00:00:00Z", until: "2026-01-02T00:00:00Z" };

const firing = (alert: string, environment = "prod"): StateEdit => ({
  kind: "alert-firing",
  environment,
  freeze: alertFreeze(alert),
});
const resolved = (alert: string, environment = "prod"): Extract<StateEdit, { kind: "alert-resolved" }> => ({
  kind: "alert-resolved",
  environment,
  alert,
});
const state = (freezes: Record<string, Freeze>): State => ({ freezes, holds: {} });

/** The state file's freezes after the settled edits, applied as the deployer applies them. */
function freezesAfter(before: State, edits: StateEdit[]): Record<string, Freeze> {
  const parsed = parseState(editState(stateText(before), settleStateEdits(before, edits)));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.state.freezes as Record<string, Freeze>;
}

function stateText(state: State): string {
  return Object.keys(state.freezes).length === 0 ? "" : `freezes: ${JSON.stringify(state.freezes)}\n`;
}

describe("settleStateEdits: what the alerts of a batch change in the end", () => {
  test.each<[string, State, StateEdit[], StateEdit[]]>([
    ["firing on an unfrozen environment freezes it", EMPTY_STATE, [firing("a")], [firing("a")]],
    [
      "firing again for the same alert: nothing (no commit)",
      state({ prod: alertFreeze("a") }),
      [firing("a")],
      [],
    ],
    [
      "firing, resolved, firing from unfrozen: one freeze",
      EMPTY_STATE,
      [firing("a"), resolved("a"), firing("a")],
      [firing("a")],
    ],
    [
      "firing, resolved, firing while the alert has it frozen: nothing",
      state({ prod: alertFreeze("a") }),
      [firing("a"), resolved("a"), firing("a")],
      [],
    ],
    ["firing then resolved in one batch: nothing", EMPTY_STATE, [firing("a"), resolved("a")], []],
    [
      "resolved lifts the alert's freeze",
      state({ prod: alertFreeze("a") }),
      [resolved("a")],
      [{ ...resolved("a"), reason: "summary of a" }],
    ],
    ["resolved of another alert lifts nothing", state({ prod: alertFreeze("a") }), [resolved("b")], []],
    ["resolved never lifts a person's freeze", state({ prod: person }), [resolved("a")], []],
    ["firing never replaces a person's freeze", state({ prod: person }), [firing("a")], []],
    [
      "firing replaces a person's freeze that has ended",
      state({ prod: expired }),
      [firing("a")],
      [firing("a")],
    ],
    ["another alert's freeze stays", state({ prod: alertFreeze("a") }), [firing("b")], []],
    [
      "a hand-over: the freeze's alert resolved, another fires",
      state({ prod: alertFreeze("a") }),
      [resolved("a"), firing("b")],
      [{ ...resolved("a"), reason: "summary of a" }, firing("b")],
    ],
    [
      "a person's /unfreeze then a firing alert: both",
      state({ prod: person }),
      [{ kind: "unfreeze", environment: "prod" }, firing("a")],
      [{ kind: "unfreeze", environment: "prod" }, firing("a")],
    ],
    [
      "a firing alert then a person's /freeze: the person's",
      EMPTY_STATE,
      [firing("a"), { kind: "freeze", environment: "prod", freeze: person }],
      [{ kind: "freeze", environment: "prod", freeze: person }],
    ],
    [
      "a firing alert then a person's /unfreeze: unfrozen",
      EMPTY_STATE,
      [firing("a"), { kind: "unfreeze", environment: "prod" }],
      [{ kind: "unfreeze", environment: "prod" }],
    ],
    [
      "environments apart",
      EMPTY_STATE,
      [firing("a", "prod"), firing("a", "qa")],
      [firing("a", "prod"), firing("a", "qa")],
    ],
    [
      "people's edits alone pass as they are",
      EMPTY_STATE,
      [
        { kind: "release", environment: "dev" },
        { kind: "unfreeze", environment: "qa" },
      ],
      [
        { kind: "release", environment: "dev" },
        { kind: "unfreeze", environment: "qa" },
      ],
    ],
  ])("%s", (_name, before, edits, expected) => {
    expect(settleStateEdits(before, edits)).toEqual(expected);
  });

  test.each<[string, State, StateEdit[]]>([
    ["flapping", EMPTY_STATE, [firing("a"), resolved("a"), firing("a"), resolved("a"), firing("a")]],
    ["a hand-over", state({ prod: alertFreeze("a") }), [firing("b"), resolved("a"), firing("b")]],
    [
      "a person in between",
      state({ prod: alertFreeze("a") }),
      [resolved("a"), { kind: "freeze", environment: "prod", freeze: person }, firing("c")],
    ],
    [
      "an ended freeze",
      state({ prod: expired, qa: person }),
      [firing("a"), firing("a", "qa"), resolved("a", "qa")],
    ],
  ])("applied as settled or one by one, the file ends the same: %s", (_name, before, edits) => {
    const text = stateText(before);
    const settled = parseState(editState(text, settleStateEdits(before, edits)));
    const oneByOne = parseState(editState(text, edits));
    expect(settled).toEqual(oneByOne);
  });

  test("the state file keeps an alert's freeze with its reason, fingerprint and link", () => {
    expect(freezesAfter(EMPTY_STATE, [firing("5f1c4e2a9b7d3c08")])).toEqual({
      prod: alertFreeze("5f1c4e2a9b7d3c08"),
    });
    expect(freezesAfter(state({ prod: person }), [resolved("a")])).toEqual({ prod: person });
  });
});

describe("the commit message says why", () => {
  test("a freeze: the alert, its summary as plain text and its link", () => {
    const hostile = alertFreeze("5f1c", "budget burn @acme/oncall fixes #12\nsecond line");
    const { headline, body } = commitMessage(
      [],
      [{ kind: "alert-firing", environment: "prod", freeze: hostile }],
    );
    expect(headline).toBe("freeze prod while alert 5f1c fires");
    expect(body).toBe(
      "- freeze prod while alert 5f1c fires (by Alertmanager: budget burn @\u200bacme/oncall fixes #\u200b12 second line http://prometheus:9090/graph)",
    );
  });

  test("a lift: the alert resolved, and the freeze's reason", () => {
    const { headline, body } = commitMessage(
      [],
      [{ kind: "alert-resolved", environment: "prod", alert: "5f1c", reason: "budget burn" }],
    );
    expect(headline).toBe("unfreeze prod: alert 5f1c resolved (budget burn)");
    expect(body).toBe("- unfreeze prod: alert 5f1c resolved (budget burn)");
  });
});
