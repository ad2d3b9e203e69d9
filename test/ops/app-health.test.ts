import { RequestError } from "@octokit/request-error";
import {
  appAuthCheck,
  cachedCheck,
  healthFromError,
  type AppClient,
  type Health,
} from "../../src/http/app-health.js";

const request = { method: "GET" as const, url: "https://api.github.com/app", headers: {} };
const answer = (status: number) => ({ status, url: request.url, headers: {}, data: {} });

describe("healthFromError", () => {
  test.each<[string, unknown, string]>([
    [
      "a 401 answer",
      new RequestError("Bad credentials", 401, { request, response: answer(401) }),
      "cannot authenticate as the GitHub App: Bad credentials",
    ],
    [
      "a key that cannot sign (no request was made)",
      new Error("error:1E08010C:DECODER routines::unsupported"),
      "cannot authenticate as the GitHub App: error:1E08010C:DECODER routines::unsupported",
    ],
    [
      "a network failure (Octokit: status 500 without a response)",
      new RequestError("connect ECONNREFUSED 127.0.0.1:9", 500, { request }),
      "GitHub unreachable: connect ECONNREFUSED 127.0.0.1:9",
    ],
    [
      "a 502 answer",
      new RequestError("Bad Gateway", 502, { request, response: answer(502) }),
      "GitHub unreachable: GitHub answered 502: Bad Gateway",
    ],
    [
      "a network failure wrapped by fetch: the innermost cause",
      Object.assign(new RequestError("Unknown Error", 500, { request }), {
        cause: Object.assign(new TypeError("fetch failed"), {
          cause: Object.assign(new Error(""), { code: "ECONNREFUSED" }),
        }),
      }),
      "GitHub unreachable: ECONNREFUSED",
    ],
    ["a thrown string", "boom", "cannot authenticate as the GitHub App: boom"],
  ])("%s", (_, error, reason) => {
    expect(healthFromError(error)).toEqual({ ok: false, reason });
  });

  test("the request's authorization header never reaches the reason", () => {
    const withAuth = { ...request, headers: { authorization: "bearer secret.jwt.value" } };
    const health = healthFromError(new RequestError("Bad credentials", 401, { request: withAuth }));
    expect(JSON.stringify(health)).not.toContain("secret");
  });
});

describe("appAuthCheck", () => {
  const client = (getAuthenticated: AppClient["rest"]["apps"]["getAuthenticated"]) => async () => ({
    rest: { apps: { getAuthenticated } },
  });

  test("ok when GET /app answers; Octokit's retries are off for it", async () => {
    const seen: unknown[] = [];
    const check = appAuthCheck(
      client(async (params) => {
        seen.push(params.request.retries);
        return {};
      }),
    );
    expect(await check()).toEqual({ ok: true });
    expect(seen).toEqual([0]);
  });

  test("an error while creating the client is an authentication problem", async () => {
    const check = appAuthCheck(async () => {
      throw new Error("Private key is not valid");
    });
    expect(await check()).toEqual({
      ok: false,
      reason: "cannot authenticate as the GitHub App: Private key is not valid",
    });
  });

  test("no answer within the timeout: unreachable, the request aborted", async () => {
    const check = appAuthCheck(
      client(
        (params) =>
          new Promise((_, reject) =>
            params.request.signal.addEventListener("abort", () => reject(new Error("aborted"))),
          ),
      ),
      1,
    );
    expect(await check()).toEqual({
      ok: false,
      reason: "GitHub unreachable: no answer to GET /app within 0.001 s",
    });
  });
});

describe("cachedCheck", () => {
  test("runs the check at most once per TTL; concurrent first callers share one run", async () => {
    let clock = 0;
    let runs = 0;
    let release: (health: Health) => void = () => undefined;
    const check = cachedCheck(
      () => {
        runs += 1;
        return new Promise<Health>((resolve) => (release = resolve));
      },
      60_000,
      () => clock,
    );
    const first = check();
    const second = check();
    release({ ok: false, reason: "r1" });
    expect(await first).toEqual({ ok: false, reason: "r1" });
    expect(await second).toEqual({ ok: false, reason: "r1" });
    clock = 59_999;
    expect(await check()).toEqual({ ok: false, reason: "r1" });
    expect(runs).toBe(1);

    // Stale: answered from the last result at once while one new check runs in the background.
    clock = 60_000;
    expect(await check()).toEqual({ ok: false, reason: "r1" });
    expect(await check()).toEqual({ ok: false, reason: "r1" });
    expect(runs).toBe(2);
    release({ ok: true });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await check()).toEqual({ ok: true });
    expect(runs).toBe(2);
  });

  test("a check that throws becomes a reason, not a rejected request", async () => {
    const check = cachedCheck(async () => {
      throw new Error("unexpected");
    });
    expect(await check()).toEqual({
      ok: false,
      reason: "cannot authenticate as the GitHub App: unexpected",
    });
  });
});
