import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { Metrics } from "../metrics/metrics.js";

export const METRICS_PATH = "/metrics";

export interface MetricsRouteOptions {
  /**
   * When set (non-empty), `/metrics` requires `Authorization: Bearer <token>`; the app passes
   * `process.env.METRICS_TOKEN`. Unset or empty: open, as Prometheus scrapes by default.
   */
  readonly token?: string | undefined;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * The handler for `GET`/`HEAD /metrics`: the registry's text in the Prometheus exposition format. Any other
 * path is left to the next handler (resolves false); another method on /metrics gets 405, and a missing or
 * wrong bearer token 401 when a token is set. Nothing from the request is echoed or logged.
 */
export function metricsHandler(metrics: Metrics, options: MetricsRouteOptions = {}): Handler {
  const expected = options.token ? digest(checkedToken(options.token)) : undefined;
  return async (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res
        .writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" })
        .end(`${req.method ?? "?"} is not allowed on ${METRICS_PATH}: use GET or HEAD\n`);
      return true;
    }
    if (expected && !authorized(req.headers.authorization, expected)) {
      res
        .writeHead(401, {
          "www-authenticate": 'Bearer realm="metrics"',
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "no-store",
        })
        .end("/metrics needs the header Authorization: Bearer <METRICS_TOKEN>\n");
      return true;
    }
    const body = await metrics.text();
    res.writeHead(200, {
      "content-type": metrics.contentType,
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
}

/**
 * Adds /metrics to Probot's HTTP server: `(app, options) => { registerMetrics(options, metrics, { token:
 * process.env.METRICS_TOKEN }); ... }`. Without a server (a bare `new Probot()` in tests, whose `load()`
 * passes an `addHandler` that throws "No server instance", or no options at all) it does nothing.
 */
export function registerMetrics(
  options: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  metrics: Metrics,
  routeOptions: MetricsRouteOptions = {},
): void {
  if (typeof options?.addHandler !== "function") return;
  const handler = metricsHandler(metrics, routeOptions);
  try {
    options.addHandler(handler);
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}

/** A token a client can send in a header: printable ASCII without spaces (the message never shows it). */
function checkedToken(token: string): string {
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new Error(
      "METRICS_TOKEN has whitespace or characters a client cannot send in an Authorization header " +
        "(a trailing newline from a secret file?): use printable ASCII without spaces, e.g. `openssl rand -hex 32`.",
    );
  }
  return token;
}

/** SHA-256 of the token: equal lengths for timingSafeEqual, whatever the client sends. */
function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

function authorized(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+)$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), expected);
}
