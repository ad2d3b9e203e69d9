/** What `/healthz` reports: ok, or why not. */
export type Health = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** The health check port: resolves (never rejects) with the app's health right now. */
export type HealthCheck = () => Promise<Health>;

/** The part of the app's Octokit (authenticated with the app's JWT, no installation) the check uses. */
export interface AppClient {
  readonly rest: {
    readonly apps: {
      getAuthenticated(params: { request: { retries: number; signal: AbortSignal } }): Promise<unknown>;
    };
  };
}

const AUTH = "cannot authenticate as the GitHub App";
const UNREACHABLE = "GitHub unreachable";

/**
 * What an error of `GET /app` says about the app's health. An error without an HTTP status was thrown
 * before any request (a private key that cannot sign); Octokit gives a network failure status 500 but no
 * response; 5xx and 429 answers say GitHub is in trouble, any other answer (401) that the credentials
 * are wrong. Only the message is kept: the error's request (headers, key) never reaches the answer.
 */
export function healthFromError(error: unknown): Health {
  const { status, response } = (error ?? {}) as { status?: unknown; response?: unknown };
  if (typeof status !== "number") return { ok: false, reason: `${AUTH}: ${messageOf(error)}` };
  if (response === undefined) return { ok: false, reason: `${UNREACHABLE}: ${rootCause(error)}` };
  if (status >= 500 || status === 429)
    return { ok: false, reason: `${UNREACHABLE}: GitHub answered ${status}: ${messageOf(error)}` };
  return { ok: false, reason: `${AUTH}: ${messageOf(error)}` };
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message !== "" ? message : String(error);
}

/**
 * The innermost message of a network failure (Octokit's "fetch failed" or "Unknown Error" wraps undici's
 * "connect ECONNREFUSED ..."); duck-typed, since errors may come from another realm.
 */
function rootCause(error: unknown): string {
  let text = messageOf(error);
  let cause = (error as { cause?: unknown } | undefined)?.cause;
  for (let depth = 0; cause !== null && typeof cause === "object" && depth < 5; depth += 1) {
    const { message, code } = cause as { message?: unknown; code?: unknown };
    if (typeof message === "string" && message !== "") text = message;
    else if (typeof code === "string") text = code;
    cause = (cause as { cause?: unknown }).cause;
  }
  return text;
}

/**
 * Checks that the app can authenticate: `GET /app` with the app's JWT (`client` is `app.auth()` without an
 * installation), without Octokit's retries, given up after `timeoutMs`.
 */
export function appAuthCheck(client: () => Promise<AppClient>, timeoutMs = 4_000): HealthCheck {
  return async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref();
    try {
      const octokit = await client();
      await octokit.rest.apps.getAuthenticated({ request: { retries: 0, signal: controller.signal } });
      return { ok: true };
    } catch (error) {
      if (controller.signal.aborted)
        return { ok: false, reason: `${UNREACHABLE}: no answer to GET /app within ${timeoutMs / 1000} s` };
      return healthFromError(error);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Runs `check` at most once per `ttlMs`, so a load balancer polling /healthz spends no GitHub request per
 * poll. Only the first call waits for a check; later calls get the last result at once, and one older than
 * `ttlMs` starts a new check in the background (a probe's short timeout never waits on GitHub).
 */
export function cachedCheck(check: HealthCheck, ttlMs = 60_000, now: () => number = Date.now): HealthCheck {
  let last: Health | undefined;
  let checkedAt = 0;
  let running: Promise<Health> | undefined;
  const refresh = (): Promise<Health> => {
    checkedAt = now();
    running ??= check()
      .catch((error: unknown) => healthFromError(error))
      .then((health) => {
        last = health;
        running = undefined;
        return health;
      });
    return running;
  };
  return async () => {
    if (last === undefined) return running ?? refresh();
    if (now() - checkedAt >= ttlMs) void refresh();
    return last;
  };
}

/**
 * The app's /healthz check: can it authenticate as the GitHub App, asked at most once a minute, within
 * 4 s (the image's HEALTHCHECK gives /healthz 5 s).
 */
export function appHealthCheck(client: () => Promise<AppClient>): HealthCheck {
  return cachedCheck(appAuthCheck(client));
}
