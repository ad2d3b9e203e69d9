import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";

export const HEALTHZ_PATH = "/healthz";

const OK_BODY = JSON.stringify({ status: "ok" });

/**
 * Answers `GET`/`HEAD /healthz` with 200 `{"status":"ok"}` (liveness: the process serves HTTP). Any other
 * path is left to the next handler (returns false); another method on /healthz gets 405.
 */
export function healthzHandler(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? "").split("?", 1)[0];
  if (path !== HEALTHZ_PATH) return false;
  if (req.method !== "GET" && req.method !== "HEAD") {
    res
      .writeHead(405, { allow: "GET, HEAD", "content-type": "application/json" })
      .end(
        JSON.stringify({ error: `${req.method ?? "?"} is not allowed on ${HEALTHZ_PATH}: use GET or HEAD` }),
      );
    return true;
  }
  res.writeHead(200, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(OK_BODY),
    "cache-control": "no-store",
  });
  res.end(req.method === "HEAD" ? undefined : OK_BODY);
  return true;
}

/**
 * Adds /healthz to Probot's HTTP server. Call it from the app function with the options Probot passes:
 * `(app, options) => { registerHealthz(options); ... }`. Without a server (a bare `new Probot()` in tests,
 * whose `load()` passes an `addHandler` that throws "No server instance", or no options at all) there is
 * nothing to serve, so it does nothing.
 */
export function registerHealthz(
  options: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
): void {
  if (typeof options?.addHandler !== "function") return;
  try {
    options.addHandler(healthzHandler);
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}
