import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { Observation } from "../core/feedback/observation.js";
import { parseNotification } from "../core/feedback/parse-notification.js";
import type { Logger } from "../services/deployer.js";
import { BodyBudget, BodyShare } from "./body-budget.js";
import { readBoundedBody } from "./read-bounded-body.js";
import { MIN_SECRET_LENGTH } from "./webhook-secret.js";

export const ARGOCD_PATH = "/api/argocd";
/** The header the shipped `service.webhook.gitops-image-bot` sends the secret in. */
export const SECRET_HEADER = "x-gitops-image-bot-secret";
/** A notification is a few kB; 1 MiB leaves room for an application with many images and labels. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;
const IN_FLIGHT_BYTES = 8 * MAX_NOTIFICATION_BYTES;
const BODY_TIMEOUT_MS = 10_000;

/** The secrets `ARGOCD_WEBHOOK_SECRET` holds (comma-separated, several during a rotation), or why none can be used. */
export type WebhookSecrets =
  | { readonly kind: "off" }
  | { readonly kind: "on"; readonly digests: readonly Buffer[] }
  | { readonly kind: "refused"; readonly reason: string };

export function webhookSecrets(text: string | undefined): WebhookSecrets {
  const secrets = (text ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter((secret) => secret !== "");
  if (secrets.length === 0) return { kind: "off" };
  for (const [index, secret] of secrets.entries()) {
    const which =
      secrets.length > 1 ? `secret ${index + 1} of ARGOCD_WEBHOOK_SECRET` : "ARGOCD_WEBHOOK_SECRET";
    if (!/^[\x21-\x7e]+$/.test(secret))
      return {
        kind: "refused",
        reason: `${which} has characters a header cannot carry: use printable ASCII`,
      };
    if (secret.length < MIN_SECRET_LENGTH)
      return {
        kind: "refused",
        reason: `${which} is only ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters`,
      };
  }
  return { kind: "on", digests: secrets.map(digest) };
}

export interface ArgocdRouteOptions {
  readonly secrets: WebhookSecrets;
  /** Takes a valid notification after it is answered (processing runs in the background). */
  readonly accept: (observation: Observation) => void;
  readonly now: () => number;
  readonly log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * `POST /api/argocd`, for Argo CD Notifications' webhook service. Without a configured secret the
 * endpoint does not exist (404); a request without the secret (header `X-Gitops-Image-Bot-Secret`, or
 * Basic auth whose password is the secret) gets 401 and nothing else happens. A body that is not a
 * notification gets 400 with the reason: Argo CD retries only network errors and 5xx, so it is not sent
 * again, and the failed delivery shows in Argo CD's logs and metrics where whoever edited the template
 * looks. A valid one gets 202 at once and is placed and observed in the background; an application the
 * app knows nothing about is logged and ignored there.
 */
export function argocdHandler(options: ArgocdRouteOptions): Handler {
  const budget = new BodyBudget(IN_FLIGHT_BYTES);
  const { secrets, log } = options;
  return async (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== ARGOCD_PATH) return false;
    if (secrets.kind === "off")
      return answer(res, 404, { error: `${ARGOCD_PATH} is off: ARGOCD_WEBHOOK_SECRET is not set` });
    if (secrets.kind === "refused") return answer(res, 503, { error: secrets.reason });
    if (req.method !== "POST") {
      res.setHeader("allow", "POST");
      return answer(res, 405, { error: `${req.method ?? "?"} is not allowed on ${ARGOCD_PATH}: use POST` });
    }
    if (!authorized(req, secrets.digests)) {
      log.warn({ path: ARGOCD_PATH }, "Argo CD notification refused: the secret is missing or wrong");
      res.setHeader("www-authenticate", 'Basic realm="gitops-image-bot"');
      return answer(res, 401, {
        error: `${ARGOCD_PATH} needs the header X-Gitops-Image-Bot-Secret or Basic auth with the secret as password`,
      });
    }
    const share = new BodyShare(budget);
    res.once("close", () => share.release());
    const read = await readBoundedBody(req, share, {
      maxBytes: MAX_NOTIFICATION_BYTES,
      timeoutMs: BODY_TIMEOUT_MS,
    });
    if (!read.ok) {
      const reason =
        read.status === 413 ? `the body is larger than ${MAX_NOTIFICATION_BYTES} bytes` : read.reason;
      log.warn({ status: read.status }, `Argo CD notification refused: ${reason}`);
      return answer(res, read.status, { error: reason });
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(read.chunks, read.length).toString("utf8"));
    } catch {
      log.warn({ bytes: read.length }, "Argo CD notification refused: the body is not JSON");
      return answer(res, 400, { error: "the body is not JSON" });
    }
    const parsed = parseNotification(body, options.now());
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason }, `Argo CD notification refused: ${parsed.reason}`);
      return answer(res, 400, {
        error: `not an Argo CD notification of gitops-image-bot's template: ${parsed.reason}`,
      });
    }
    answer(res, 202, { accepted: parsed.observation.application });
    options.accept(parsed.observation);
    return true;
  };
}

/**
 * Adds `/api/argocd` to Probot's HTTP server, as `registerMetrics` adds `/metrics`; without a server
 * it does nothing.
 */
export function registerArgocd(
  appOptions: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  options: ArgocdRouteOptions,
): void {
  if (typeof appOptions?.addHandler !== "function") return;
  if (options.secrets.kind === "refused")
    options.log.error({}, `${ARGOCD_PATH} refuses every request: ${options.secrets.reason}`);
  try {
    appOptions.addHandler(argocdHandler(options));
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>): true {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
    })
    .end(text);
  return true;
}

/** SHA-256: equal lengths for timingSafeEqual, whatever the client sends. */
function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** The secret the request carries (header, else Basic auth's password) matches one of `digests`. */
function authorized(req: IncomingMessage, digests: readonly Buffer[]): boolean {
  const offered = [headerSecret(req), basicPassword(req.headers.authorization)].filter(
    (secret): secret is string => secret !== undefined && secret !== "",
  );
  let match = false;
  for (const secret of offered) {
    const candidate = digest(secret);
    // Every secret is compared, whichever matches: the time does not tell which one (or whether any) did.
    for (const expected of digests) match = timingSafeEqual(candidate, expected) || match;
  }
  return match;
}

function headerSecret(req: IncomingMessage): string | undefined {
  const value = req.headers[SECRET_HEADER];
  return typeof value === "string" ? value.trim() : undefined;
}

function basicPassword(header: string | undefined): string | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
