import { readFileSync } from "node:fs";
import { notificationFromPayload } from "../../src/handlers/alertmanager-payload.js";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/firing-checkout.json", import.meta.url), "utf8"),
) as Record<string, unknown>;

describe("notificationFromPayload: only the fields used, version 4", () => {
  test("Alertmanager's payload: the fields the app reads, the rest left unread", () => {
    expect(notificationFromPayload(FIXTURE)).toEqual({
      ok: true,
      notification: {
        groupKey: '{}/{severity="page"}:{slo="checkout"}',
        receiver: "gitops-image-bot",
        externalURL: "http://alertmanager.monitoring.svc:9093",
        truncatedAlerts: 0,
        alerts: [
          {
            status: "firing",
            labels: expect.objectContaining({ severity: "page", slo: "checkout" }),
            annotations: expect.objectContaining({ summary: "checkout error budget burning fast (14.4x)" }),
            fingerprint: "5f1c4e2a9b7d3c08",
            generatorURL: expect.stringMatching(/^http:\/\/prometheus\.monitoring\.svc:9090\/graph\?/),
          },
        ],
      },
    });
  });

  test.each<[string, unknown, string]>([
    ["another version", { ...FIXTURE, version: "3" }, 'version: version must be "4"'],
    ["no alerts", { ...FIXTURE, alerts: undefined }, "alerts: "],
    [
      "an unknown status",
      { ...FIXTURE, alerts: [{ status: "pending", labels: {}, fingerprint: "a" }] },
      "alerts.0.status: ",
    ],
    [
      "a label that is no string",
      { ...FIXTURE, alerts: [{ status: "firing", labels: { a: 1 }, fingerprint: "a" }] },
      "alerts.0.labels.a: ",
    ],
    [
      "a fingerprint with a space",
      { ...FIXTURE, alerts: [{ status: "firing", labels: {}, fingerprint: "a b" }] },
      "alerts.0.fingerprint: ",
    ],
    ["not an object", [], ""],
  ])("%s: invalid, with the path", (_name, body, start) => {
    const parse = notificationFromPayload(body);
    expect(parse.ok).toBe(false);
    if (!parse.ok) expect(parse.invalid.startsWith(start)).toBe(true);
  });
});
