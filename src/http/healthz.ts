import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { HealthCheck } from "./app-health.js";

export const HEALTHZ_PATH = "/healthz";

const ALWAYS_OK: HealthCheck = async () => ({ ok: true });

/**
 * A handler for `GET`/`HEAD /healthz`: 200 `{"status":"ok"}` when `check` finds the app healthy, else 503
 * `{"status":"unhealthy","reason":...}`. Any other path is left to the next handler (returns false);
 * another method on /healthz gets 405. Without a check it reports liveness only (the process serves HTTP).
 */
export function healthzHandler(
  check: HealthCheck = ALWAYS_OK,
): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== HEALTHZ_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" }).end(
        JSON.stringify({
          error: `${req.method ?? "?"} is not allowed on ${HEALTHZ_PATH}: use GET or HEAD`,
        }),
      );
      return true;
    }
    const health = await check();
    const body = JSON.stringify(
      health.ok ? { status: "ok" } : { status: "unhealthy", reason: health.reason },
    );
    res.writeHead(health.ok ? 200 : 503, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/**
 * Adds /healthz to Probot's HTTP server. Call it from the app function with the options Probot passes:
 * `(app, options) => { registerHealthz(options); ... }`. Without a server (a bare `new Probot()` in tests,
 * whose `load()` passes an `addHandler` that throws "No server instance", or no options at all) there is
 * nothing to serve, so it does nothing. `check` decides healthy or not (the app passes `appHealthCheck` from `app-health.ts`).
 */
export function registerHealthz(
  options: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  check?: HealthCheck,
): void {
  if (typeof options?.addHandler !== "function") return;
  try {
    options.addHandler(healthzHandler(check));
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}
