import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { AlertNotification } from "../core/alerts/alert.js";
import { notificationFromPayload } from "../handlers/alertmanager-payload.js";
import { BodyBudget, BodyShare } from "./body-budget.js";
import { carriesSecret, endpointSecrets } from "./endpoint-secrets.js";
import { answerJson } from "./json-answer.js";
import { readBoundedBody, type BodyLimits } from "./read-bounded-body.js";

export const ALERTMANAGER_PATH = "/api/alertmanager";

/**
 * A notification's body: a group of alerts with their labels and annotations (a few KB each; 1,000
 * alerts fit), read within 10 s; bodies of every request in flight share 16 MB.
 */
export const ALERTMANAGER_LIMITS: BodyLimits = { maxBytes: 4 * 1024 * 1024, timeoutMs: 10_000 };
const IN_FLIGHT_BYTES = 16 * 1024 * 1024;

export interface AlertmanagerLog {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface AlertmanagerRouteOptions {
  /**
   * `ALERTMANAGER_WEBHOOK_SECRET`: comma-separated secrets; unset or empty, the endpoint is off (404); a
   * weak one, it answers 503 (see `endpointSecrets`).
   */
  readonly secrets: string | undefined;
  readonly log: AlertmanagerLog;
  /** Called with each valid notification after it has been answered (the app processes it in the background). */
  readonly receive: (notification: AlertNotification) => void;
  readonly limits?: BodyLimits;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * `POST /api/alertmanager`, Alertmanager's webhook receiver: off (404) without a secret, 503 with a weak
 * one; 401 without
 * the secret (nothing read, nothing changes); 400 with the reason for a body that is not a version 4
 * notification (Alertmanager does not retry a 4xx, so it is logged); 200 at once for a valid one, which
 * is handed to `receive`. Other paths are left to the next handler (resolves false).
 */
export function alertmanagerHandler(options: AlertmanagerRouteOptions): Handler {
  const secrets = endpointSecrets("ALERTMANAGER_WEBHOOK_SECRET", options.secrets);
  const limits = options.limits ?? ALERTMANAGER_LIMITS;
  const budget = new BodyBudget(Math.max(IN_FLIGHT_BYTES, limits.maxBytes));
  return async (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== ALERTMANAGER_PATH) return false;
    if (secrets.kind === "refused") {
      discard(req);
      answerJson(res, 503, { error: secrets.reason });
      return true;
    }
    if (secrets.kind === "off") {
      discard(req);
      answerJson(res, 404, {
        error: `${ALERTMANAGER_PATH} is off: set ALERTMANAGER_WEBHOOK_SECRET to turn the Alertmanager receiver on`,
      });
      return true;
    }
    if (req.method !== "POST") {
      discard(req);
      answerJson(
        res,
        405,
        { error: `${req.method ?? "?"} is not allowed on ${ALERTMANAGER_PATH}: use POST` },
        {
          allow: "POST",
        },
      );
      return true;
    }
    if (!carriesSecret(req.headers, secrets.digests, { bearer: true })) {
      discard(req);
      options.log.warn(
        { path: ALERTMANAGER_PATH },
        "Alertmanager notification refused: wrong or missing secret",
      );
      answerJson(
        res,
        401,
        { error: "needs Authorization: Bearer <secret> (or basic auth with the secret as password)" },
        { "www-authenticate": 'Bearer realm="alertmanager", Basic realm="alertmanager"' },
      );
      return true;
    }
    const share = new BodyShare(budget);
    try {
      const read = await readBoundedBody(req, share, limits);
      if (!read.ok) {
        options.log.warn(
          { path: ALERTMANAGER_PATH, status: read.status },
          `notification refused: ${read.reason}`,
        );
        answerJson(res, read.status, { error: read.reason });
        return true;
      }
      const parsed = parseNotification(Buffer.concat(read.chunks, read.length).toString("utf8"));
      if (!parsed.ok) {
        options.log.warn({ path: ALERTMANAGER_PATH }, `Alertmanager notification ignored: ${parsed.invalid}`);
        answerJson(res, 400, { error: parsed.invalid });
        return true;
      }
      answerJson(res, 200, { status: "accepted", alerts: parsed.notification.alerts.length });
      options.receive(parsed.notification);
      return true;
    } finally {
      share.release();
    }
  };
}

/**
 * Adds `/api/alertmanager` to Probot's HTTP server, as `/metrics` is added. Without a server (a bare
 * `new Probot()` in tests, or no options) it does nothing.
 */
export function registerAlertmanager(
  options: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  routeOptions: AlertmanagerRouteOptions,
): void {
  if (typeof options?.addHandler !== "function") return;
  const secrets = endpointSecrets("ALERTMANAGER_WEBHOOK_SECRET", routeOptions.secrets);
  if (secrets.kind === "refused")
    routeOptions.log.error({}, `${ALERTMANAGER_PATH} refuses every request: ${secrets.reason}`);
  const handler = alertmanagerHandler(routeOptions);
  try {
    options.addHandler(handler);
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}

function parseNotification(text: string): ReturnType<typeof notificationFromPayload> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, invalid: `not JSON: ${(error as Error).message}` };
  }
  return notificationFromPayload(body);
}

function discard(req: IncomingMessage): void {
  req.on("error", () => undefined);
  req.resume();
}
