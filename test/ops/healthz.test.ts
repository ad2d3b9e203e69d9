import { Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import { registerHealthz } from "../../src/http/healthz.js";
import { startHarness, type Harness } from "../../twin/harness.js";

// The smallest app that wires the route as the real app does: `registerHealthz(options)` in the app function.
const appFn: ApplicationFunction = (_app, options) => {
  registerHealthz(options);
};

describe("/healthz on the app's real Probot server", () => {
  let harness: Harness;
  let origin: string;

  beforeAll(async () => {
    harness = await startHarness({ appFn });
    origin = new URL(harness.webhookUrl).origin;
  });

  afterAll(async () => {
    const violations = [...harness.twin.violations];
    await harness.close();
    expect(violations).toEqual([]);
  });

  test("GET answers 200 with a JSON body", async () => {
    const response = await fetch(`${origin}/healthz`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  test("HEAD answers 200 without a body, and a query string is ignored", async () => {
    const head = await fetch(`${origin}/healthz`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const withQuery = await fetch(`${origin}/healthz?probe=liveness`);
    expect(withQuery.status).toBe(200);
  });

  test("another method is 405 with Allow", async () => {
    const response = await fetch(`${origin}/healthz`, { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  test("an unknown path is still 404 and the webhook route still checks signatures", async () => {
    expect((await fetch(`${origin}/healthz/extra`)).status).toBe(404);
    expect((await fetch(`${origin}/nope`)).status).toBe(404);
    const forged = await fetch(harness.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "ping",
        "x-github-delivery": "healthz-1",
        "x-hub-signature-256": "sha256=" + "0".repeat(64),
      },
      body: "{}",
    });
    expect(forged.status).toBe(400);
    // Nothing above reached the twin: the health check costs no GitHub request.
    expect(harness.twin.counters.total).toBe(0);
  });
});

describe("registerHealthz without a server", () => {
  test("does nothing in a bare Probot (unit tests) or without options", async () => {
    const probot = new Probot({
      githubToken: "test",
      Octokit: ProbotOctokit.defaults((options: Record<string, unknown>) => ({
        ...options,
        retry: { enabled: false },
        throttle: { enabled: false },
      })),
    });
    await expect(probot.load(appFn)).resolves.toBeUndefined();
    expect(() => registerHealthz(undefined)).not.toThrow();
  });

  test("passes on other errors from addHandler", () => {
    const addHandler = () => {
      throw new Error("something else");
    };
    expect(() => registerHealthz({ addHandler })).toThrow("something else");
  });
});
