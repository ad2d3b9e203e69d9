import { generateKeyPairSync } from "node:crypto";
import { Probot, ProbotOctokit, type ApplicationFunction } from "probot";
import { createBot } from "../../src/app.js";
import { appHealthCheck } from "../../src/http/app-health.js";
import { registerHealthz } from "../../src/http/healthz.js";
import { freePort, startHarness, type Harness, type HarnessOptions } from "../../twin/harness.js";

// The smallest app that wires the route as the real app does.
const appFn: ApplicationFunction = (app, options) => {
  registerHealthz(
    options,
    appHealthCheck(() => app.auth()),
  );
};

async function closeExpectingNoViolations(harness: Harness): Promise<void> {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
}

describe("/healthz on the app's real Probot server", () => {
  let harness: Harness;
  let origin: string;

  beforeAll(async () => {
    harness = await startHarness({ appFn });
    origin = new URL(harness.webhookUrl).origin;
  });

  afterAll(() => closeExpectingNoViolations(harness));

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
  });

  test("polling costs one GitHub request a minute: every answer above came from one GET /app", () => {
    expect(harness.twin.counters.count("GET /app")).toBe(1);
    expect(harness.twin.counters.total).toBe(1);
  });
});

/** The real app behind the real Probot server, started with `env` over the harness's own. */
async function startApp(env: HarnessOptions["env"]): Promise<{ harness: Harness; stop(): Promise<void> }> {
  const bot = createBot({ scheduleTickMs: 0, warmUp: false });
  const harness = await startHarness({ appFn: bot.appFn, ...(env ? { env } : {}) });
  return {
    harness,
    stop: async () => {
      bot.stop();
      await closeExpectingNoViolations(harness);
    },
  };
}

async function healthz(harness: Harness): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${new URL(harness.webhookUrl).origin}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("/healthz of the real app reports whether it can authenticate as the GitHub App", () => {
  test("with the app's key: 200 ok, after GET /app with the app's JWT", async () => {
    const { harness, stop } = await startApp({});
    try {
      expect(await healthz(harness)).toEqual({ status: 200, body: { status: "ok" } });
      expect(harness.twin.counters.count("GET /app")).toBe(1);
    } finally {
      await stop();
    }
  });

  test("with another private key: 503, the twin's refusal as the reason, and no key in the answer", async () => {
    const other = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const { harness, stop } = await startApp({ PRIVATE_KEY: other.privateKey });
    try {
      const { status, body } = await healthz(harness);
      expect(status).toBe(503);
      expect(body).toEqual({
        status: "unhealthy",
        reason:
          "cannot authenticate as the GitHub App: A JSON web token could not be decoded - https://docs.github.com/rest",
      });
      expect(harness.twin.counters.count("GET /app")).toBe(1);
    } finally {
      await stop();
    }
  });

  test("with an APP_ID GitHub does not know: 503", async () => {
    const { harness, stop } = await startApp({ APP_ID: "4243" });
    try {
      expect(await healthz(harness)).toEqual({
        status: 503,
        body: {
          status: "unhealthy",
          reason:
            "cannot authenticate as the GitHub App: Integration not found - https://docs.github.com/rest",
        },
      });
    } finally {
      await stop();
    }
  });

  test("when GitHub does not answer: 503 GitHub unreachable", async () => {
    const closed = await freePort();
    const { harness, stop } = await startApp({ GHE_HOST: `127.0.0.1:${closed}` });
    try {
      const { status, body } = await healthz(harness);
      expect(status).toBe(503);
      expect(body["status"]).toBe("unhealthy");
      expect(body["reason"]).toMatch(/^GitHub unreachable: .*ECONNREFUSED/);
      expect(harness.twin.counters.total).toBe(0);
    } finally {
      await stop();
    }
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
