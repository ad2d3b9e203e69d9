import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import type { Observation } from "../core/feedback/observation.js";
import { parseNotification } from "../core/feedback/parse-notification.js";
import type { Logger } from "../services/deployer.js";
import { BodyBudget, BodyShare } from "./body-budget.js";
import { answerJson } from "./json-answer.js";
import { readBoundedBody } from "./read-bounded-body.js";
import { carriesSecret, endpointSecrets, type EndpointSecrets } from "./endpoint-secrets.js";

export const ARGOCD_PATH = "/api/argocd";
/** The header the shipped `service.webhook.gitops-image-bot` sends the secret in. */
export const SECRET_HEADER = "x-gitops-image-bot-secret";
/** A notification is a few kB; 1 MiB leaves room for an application with many images and labels. */
export const MAX_NOTIFICATION_BYTES = 1024 * 1024;
const IN_FLIGHT_BYTES = 8 * MAX_NOTIFICATION_BYTES;
const BODY_TIMEOUT_MS = 10_000;

/** `ARGOCD_WEBHOOK_SECRET`'s secrets (see `endpointSecrets`). */
export function webhookSecrets(text: string | undefined): EndpointSecrets {
  return endpointSecrets("ARGOCD_WEBHOOK_SECRET", text);
}

export interface ArgocdRouteOptions {
  readonly secrets: EndpointSecrets;
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
      return answerJson(res, 404, { error: `${ARGOCD_PATH} is off: ARGOCD_WEBHOOK_SECRET is not set` });
    if (secrets.kind === "refused") return answerJson(res, 503, { error: secrets.reason });
    if (req.method !== "POST") {
      return answerJson(
        res,
        405,
        { error: `${req.method ?? "?"} is not allowed on ${ARGOCD_PATH}: use POST` },
        { allow: "POST" },
      );
    }
    if (!carriesSecret(req.headers, secrets.digests, { header: SECRET_HEADER })) {
      log.warn({ path: ARGOCD_PATH }, "Argo CD notification refused: the secret is missing or wrong");
      return answerJson(
        res,
        401,
        {
          error: `${ARGOCD_PATH} needs the header X-Gitops-Image-Bot-Secret or Basic auth with the secret as password`,
        },
        { "www-authenticate": 'Basic realm="gitops-image-bot"' },
      );
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
      return answerJson(res, read.status, { error: reason });
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(read.chunks, read.length).toString("utf8"));
    } catch {
      log.warn({ bytes: read.length }, "Argo CD notification refused: the body is not JSON");
      return answerJson(res, 400, { error: "the body is not JSON" });
    }
    const parsed = parseNotification(body, options.now());
    if (!parsed.ok) {
      log.warn({ reason: parsed.reason }, `Argo CD notification refused: ${parsed.reason}`);
      return answerJson(res, 400, {
        error: `not an Argo CD notification of gitops-image-bot's template: ${parsed.reason}`,
      });
    }
    answerJson(res, 202, { accepted: parsed.observation.application });
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
