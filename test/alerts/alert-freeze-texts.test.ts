import { dashboardBody } from "../../src/core/render/dashboard.js";
import type { State } from "../../src/state/state-file.js";

const NOW = Date.parse("2026-03-02T10:00:00Z");

function dashboard(state: State): string {
  return dashboardBody({
    repository: "acme/manifests",
    branch: "main",
    environments: ["dev", "prod"],
    rows: [],
    state,
    now: NOW,
    depth: 50,
    pulls: [],
    lastError: undefined,
    unread: 0,
  });
}

describe("the dashboard shows an alert's freeze: its alert, summary as plain text, link", () => {
  test("with its source", () => {
    const body = dashboard({
      freezes: {
        prod: {
          by: "alertmanager",
          at: "2026-03-02T09:15:00.000Z",
          reason: "checkout [burn](https://evil.example) @acme/oncall <b>x</b>",
          alert: "5f1c4e2a9b7d3c08",
          url: "http://prometheus:9090/graph?g0.expr=rate(x[5m])",
        },
      },
      holds: {},
    });
    const line = body.split("\n").find((text) => text.includes("**prod**"));
    expect(line).toBe(
      "- **prod** frozen by the Alertmanager alert `5f1c4e2a9b7d3c08` since 2026-03-02T09:15:00.000Z, until it resolves (or `/unfreeze`): " +
        "checkout \\[burn\\]\\(https:\u200b//evil.example\\) @\u200bacme/oncall \\<b\\>x\\</b\\> " +
        "([source](http://prometheus:9090/graph?g0.expr=rate%28x[5m]%29))",
    );
  });

  test("a person's freeze reads as before", () => {
    const body = dashboard({
      freezes: { prod: { by: "alice", at: "2026-03-02T09:15:00Z", reason: "release week" } },
      holds: {},
    });
    expect(body).toContain(
      "**prod** frozen by @\u200balice since 2026-03-02T09:15:00Z until `/unfreeze`: release week",
    );
  });

  test("a link that is no http(s) URL is left out", () => {
    const body = dashboard({
      freezes: {
        prod: { by: "alertmanager", at: "2026-03-02T09:15:00Z", alert: "a", url: "javascript:alert(1)" },
      },
      holds: {},
    });
    expect(body).not.toContain("javascript");
    expect(body).toContain("until it resolves (or `/unfreeze`)\n");
  });
});
