import type { AlertFreezeRule } from "../../src/config/config.js";
import type { Alert, AlertNotification } from "../../src/core/alerts/alert.js";
import { alertEdits, alertFreeze, webUrl } from "../../src/core/alerts/alert-edits.js";
import { freezeTargets } from "../../src/core/alerts/freeze-targets.js";

const AT = "2026-03-02T09:15:00.000Z";
const ENVIRONMENTS = ["dev", "qa", "prod"];
const SLO: AlertFreezeRule = { match: { severity: "page", slo: "checkout" }, environments: ["prod"] };
const BY_LABEL: AlertFreezeRule = { match: { team: "payments" }, environments: undefined };

function alert(overrides: Partial<Alert> = {}): Alert {
  return {
    status: "firing",
    labels: { alertname: "CheckoutErrorBudgetBurn", severity: "page", slo: "checkout" },
    annotations: { summary: "checkout error budget burning fast" },
    fingerprint: "aaaa",
    generatorURL: "http://prometheus:9090/graph?g0.expr=up",
    ...overrides,
  };
}

function notification(alerts: Alert[]): AlertNotification {
  return {
    groupKey: "{}:{}",
    receiver: "bot",
    externalURL: "http://alertmanager:9093",
    truncatedAlerts: 0,
    alerts,
  };
}

describe("freezeTargets: first matching rule, its environments or the label's", () => {
  test.each<[string, Record<string, string>, AlertFreezeRule[], unknown]>([
    [
      "every match label equal",
      { severity: "page", slo: "checkout" },
      [SLO],
      { matched: true, environments: ["prod"], unknown: [] },
    ],
    ["one label differs", { severity: "ticket", slo: "checkout" }, [SLO], { matched: false }],
    ["a match label missing", { severity: "page" }, [SLO], { matched: false }],
    ["no rules", { severity: "page", slo: "checkout" }, [], { matched: false }],
    [
      "the label lists environments, config order, unknown set apart",
      { team: "payments", gitops_image_bot_freeze: " prod, dev ,staging,," },
      [BY_LABEL],
      { matched: true, environments: ["dev", "prod"], unknown: ["staging"] },
    ],
    [
      "the label absent: nothing",
      { team: "payments" },
      [BY_LABEL],
      { matched: true, environments: [], unknown: [] },
    ],
    [
      "the first match wins, even with fewer environments",
      { severity: "page", slo: "checkout", team: "payments", gitops_image_bot_freeze: "dev" },
      [SLO, BY_LABEL],
      { matched: true, environments: ["prod"], unknown: [] },
    ],
  ])("%s", (_name, labels, rules, expected) => {
    expect(freezeTargets(alert({ labels }), rules, ENVIRONMENTS)).toEqual(expected);
  });
});

describe("alertEdits: per environment, resolved lifts first, then one firing alert's freeze", () => {
  const freezeOf = (fingerprint: string, summary = "checkout error budget burning fast") => ({
    by: "alertmanager",
    at: AT,
    reason: summary,
    alert: fingerprint,
    url: "http://prometheus:9090/graph?g0.expr=up",
  });

  test("a firing alert matching the rule freezes its environment with summary and link", () => {
    expect(alertEdits(notification([alert()]), [SLO], ENVIRONMENTS, AT)).toEqual({
      edits: [{ kind: "alert-firing", environment: "prod", freeze: freezeOf("aaaa") }],
      unknown: [],
      matched: 1,
    });
  });

  test("a resolved alert asks to lift only its own freeze", () => {
    expect(alertEdits(notification([alert({ status: "resolved" })]), [SLO], ENVIRONMENTS, AT).edits).toEqual([
      { kind: "alert-resolved", environment: "prod", alert: "aaaa" },
    ]);
  });

  test("fifty firing alerts for one environment make one freeze edit", () => {
    const alerts = Array.from({ length: 50 }, (_, i) => alert({ fingerprint: `f${i}` }));
    const { edits, matched } = alertEdits(notification(alerts), [SLO], ENVIRONMENTS, AT);
    expect(matched).toBe(50);
    expect(edits).toEqual([{ kind: "alert-firing", environment: "prod", freeze: freezeOf("f0") }]);
  });

  test("a group where one alert resolved and another fires: the lift comes before the freeze", () => {
    const { edits } = alertEdits(
      notification([alert({ fingerprint: "b" }), alert({ fingerprint: "a", status: "resolved" })]),
      [SLO],
      ENVIRONMENTS,
      AT,
    );
    expect(
      edits.map((edit) => [edit.kind, edit.kind === "alert-firing" ? edit.freeze.alert : edit.alert]),
    ).toEqual([
      ["alert-resolved", "a"],
      ["alert-firing", "b"],
    ]);
  });

  test("alerts no rule matches, and label names no environment has, change nothing", () => {
    const decision = alertEdits(
      notification([
        alert({ labels: { severity: "ticket" } }),
        alert({ fingerprint: "x", labels: { team: "payments", gitops_image_bot_freeze: "staging" } }),
      ]),
      [SLO, BY_LABEL],
      ENVIRONMENTS,
      AT,
    );
    expect(decision).toEqual({ edits: [], unknown: [{ fingerprint: "x", names: ["staging"] }], matched: 1 });
  });
});

describe("alertFreeze: the reason and link of a freeze", () => {
  test.each<[string, Partial<Alert>, string | undefined, { reason?: string; url?: string }]>([
    [
      "summary and generator URL",
      {},
      "http://am:9093",
      { reason: "checkout error budget burning fast", url: "http://prometheus:9090/graph?g0.expr=up" },
    ],
    [
      "no summary: the alert's name",
      { annotations: {} },
      undefined,
      { reason: "CheckoutErrorBudgetBurn", url: "http://prometheus:9090/graph?g0.expr=up" },
    ],
    [
      "no generator URL: Alertmanager's",
      { generatorURL: undefined },
      "http://am:9093",
      { reason: "checkout error budget burning fast", url: "http://am:9093/" },
    ],
    [
      "a javascript: URL is no link",
      { generatorURL: "javascript:alert(1)" },
      "not a url",
      { reason: "checkout error budget burning fast" },
    ],
    ["no name, no summary, no link", { annotations: {}, labels: {}, generatorURL: undefined }, undefined, {}],
    [
      "a multi-line summary on one line",
      { annotations: { summary: "a\n\nb\tc" } },
      undefined,
      { reason: "a b c", url: "http://prometheus:9090/graph?g0.expr=up" },
    ],
  ])("%s", (_name, overrides, externalURL, expected) => {
    const freeze = alertFreeze(alert(overrides), { externalURL }, AT);
    expect({ reason: freeze.reason, url: freeze.url }).toEqual({
      reason: expected.reason,
      url: expected.url,
    });
    expect(freeze).toMatchObject({ by: "alertmanager", at: AT, alert: "aaaa" });
  });

  test("a long summary is cut at 300 characters", () => {
    expect(
      alertFreeze(alert({ annotations: { summary: "x".repeat(1000) } }), { externalURL: undefined }, AT)
        .reason,
    ).toHaveLength(300);
  });

  test("parentheses in a URL are encoded so a Markdown link cannot end early", () => {
    expect(webUrl("http://p:9090/graph?g0.expr=rate(x[5m])")).toBe(
      "http://p:9090/graph?g0.expr=rate%28x[5m]%29",
    );
  });
});
