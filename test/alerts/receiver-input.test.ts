import { readFileSync } from "node:fs";
import { notificationFromPayload } from "../../src/handlers/alertmanager-payload.js";
import { alertmanagerAuthorized, alertmanagerSecrets } from "../../src/http/alertmanager-auth.js";

const FIXTURE = JSON.parse(
  readFileSync(new URL("../fixtures/alertmanager/firing-checkout.json", import.meta.url), "utf8"),
) as Record<string, unknown>;
const SECRET = "am-0123456789abcdef0123456789abcdef";
const OTHER = "am-fedcba9876543210fedcba9876543210";

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

describe("alertmanagerAuthorized: as http_config sends a secret", () => {
  const secrets = alertmanagerSecrets(` ${SECRET} ,${OTHER}`);
  const basic = (user: string, password: string) =>
    `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  test.each<[string, string | undefined, boolean]>([
    ["authorization.credentials (Bearer)", `Bearer ${SECRET}`, true],
    ["the other secret of a rotation", `Bearer ${OTHER}`, true],
    ["bearer, any case", `bearer ${SECRET}`, true],
    ["basic auth, the secret as password", basic("alertmanager", SECRET), true],
    ["basic auth, no username", basic("", SECRET), true],
    ["no header", undefined, false],
    ["the secret without a scheme", SECRET, false],
    ["a wrong bearer", `Bearer ${SECRET}x`, false],
    ["basic auth, the secret as user", basic(SECRET, "x"), false],
    ["both secrets joined", `Bearer ${SECRET},${OTHER}`, false],
  ])("%s", (_name, header, expected) => {
    expect(alertmanagerAuthorized(header, secrets)).toBe(expected);
  });

  test.each<[string, string]>([
    ["too short", "short-secret"],
    ["a space inside", "am-0123456789 abcdef0123456789"],
  ])("a secret that is %s refuses to start", (_name, value) => {
    expect(() => alertmanagerSecrets(value)).toThrow(/^ALERTMANAGER_WEBHOOK_SECRET: secret 1 /);
  });

  test("unset or empty: no secret, the receiver is off", () => {
    expect(alertmanagerSecrets(undefined)).toEqual([]);
    expect(alertmanagerSecrets(" , ")).toEqual([]);
  });
});
