import type { ImageHealth } from "../../src/core/feedback/image-health.js";
import { gateLine, gateVerdict, type GateRule } from "../../src/core/feedback/gate.js";

const rule: GateRule = { environment: "qa", healthyForSeconds: 30 * 60 };
const build = { image: "ghcr.io/acme/web", tag: "sha-abc1234" };
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const minutes = (count: number) => T0 + count * 60_000;

function health(fields: Partial<ImageHealth>): ImageHealth {
  return {
    application: "web-qa",
    image: "ghcr.io/acme/web",
    tag: "sha-abc1234",
    state: "healthy",
    since: T0,
    message: undefined,
    revision: "a".repeat(40),
    url: "https://argocd.example.com/applications/argocd/web-qa",
    ...fields,
  };
}

describe("gateVerdict", () => {
  test.each([
    [
      "not yet seen in qa",
      undefined,
      minutes(5),
      "in_progress",
      undefined,
      "waiting for sha-abc1234 to run in qa",
    ],
    [
      "a different tag healthy in qa",
      health({ tag: "sha-0000000" }),
      minutes(45),
      "in_progress",
      undefined,
      "waiting for sha-abc1234 to run in qa",
    ],
    [
      "progressing in qa",
      health({ state: "progressing" }),
      minutes(45),
      "in_progress",
      undefined,
      "waiting for sha-abc1234 to be Synced and Healthy in qa",
    ],
    [
      "healthy 12 of 30 minutes",
      health({}),
      minutes(12),
      "in_progress",
      undefined,
      "qa has been Healthy for 12 of 30 minutes",
    ],
    [
      "healthy just under 30 minutes",
      health({}),
      minutes(30) - 1,
      "in_progress",
      undefined,
      "qa has been Healthy for 27 of 30 minutes",
    ],
    ["healthy long enough", health({}), minutes(30), "completed", "success", "Healthy in qa for 30 minutes"],
    ["healthy for hours", health({}), minutes(300), "completed", "success", "Healthy in qa for 30 minutes"],
    [
      "degraded",
      health({ state: "degraded", message: 'Deployment "web" exceeded its progress deadline' }),
      minutes(1),
      "completed",
      "failure",
      'Degraded in qa: Deployment "web" exceeded its progress deadline',
    ],
    [
      "sync failed",
      health({ state: "failed", message: "one or more objects failed to apply" }),
      minutes(1),
      "completed",
      "failure",
      "sync failed in qa: one or more objects failed to apply",
    ],
  ] as const)("%s", (_name, seen, now, status, conclusion, title) => {
    const verdict = gateVerdict(rule, build, seen, now);
    expect(verdict.status).toBe(status);
    expect(verdict.status === "completed" ? verdict.conclusion : undefined).toBe(conclusion);
    expect(verdict.title).toBe(title);
    expect(verdict.summary).toContain("`ghcr.io/acme/web:sha-abc1234`");
  });

  test("a different tag: the summary says what qa runs now", () => {
    const verdict = gateVerdict(rule, build, health({ tag: "sha-0000000" }), minutes(45));
    expect(verdict.summary).toContain("qa runs `sha-0000000` (healthy) now.");
  });

  test("Argo CD's message is untrusted: one line in the title, plain and clipped in the summary", () => {
    const message = `@acme/ops see [here](https://evil.example) <img src=x>\n# heading ${"x".repeat(5000)}`;
    const verdict = gateVerdict(rule, build, health({ state: "degraded", message }), minutes(1));
    expect(verdict.title).not.toContain("\n");
    expect(Array.from(verdict.title).length).toBeLessThanOrEqual(200);
    expect(verdict.summary).not.toContain("[here](");
    expect(verdict.summary).not.toMatch(/[^\\]<img/);
    expect(verdict.summary).toContain("\\<img");
    expect(verdict.summary).toContain("@\u200bacme/ops");
    expect(verdict.summary.length).toBeLessThan(2000);
  });

  test("a clock behind Argo CD's counts as no time healthy yet", () => {
    expect(gateVerdict(rule, build, health({}), minutes(-2)).title).toBe(
      "qa has been Healthy for 0 of 30 minutes",
    );
  });

  test("a short soak counts seconds, one by one up to ten", () => {
    const short = { environment: "qa", healthyForSeconds: 10 };
    expect(gateVerdict(short, build, health({}), T0 + 7_500).title).toBe(
      "qa has been Healthy for 7 of 10 seconds",
    );
    expect(gateVerdict(short, build, health({}), T0 + 10_000).status).toBe("completed");
  });
});

describe("gate texts", () => {
  test("the pull request body's line", () => {
    expect(gateLine(rule, build)).toBe(
      "Merges after `ghcr.io/acme/web:sha-abc1234` has been Healthy in **qa** for 30 minutes (check `gitops-image-bot/gate`).",
    );
  });
});
