import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Probot } from "probot";
import { BodyBudget, BodyShare } from "./body-budget.js";
import { readBoundedBody, type BodyLimits } from "./read-bounded-body.js";
import { DEFAULT_SECRET, weakSecretReason } from "./webhook-secret.js";

/** GitHub's largest delivery: "Payloads are capped at 25 MB"; larger events are not delivered at all. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** Request bodies held at once, all requests together: one maximal delivery and small ones beside it. */
export const IN_FLIGHT_BYTES = 32 * 1024 * 1024;
/** GitHub gives up on a delivery after 10 s; a body still arriving after 30 s is not GitHub's. */
export const BODY_TIMEOUT_MS = 30_000;

/** Probot's webhook middleware (and the guard around it): true when it answered the request. */
export type WebhookMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: Parameters<ProbotMiddleware>[2],
) => Promise<boolean>;

type ProbotMiddleware = Awaited<ReturnType<Probot["getNodeMiddleware"]>>;

/** Whether `signature` (`sha256=<hex>`) signs `body` with the app's webhook secret. */
export type Verify = (body: Buffer, signature: string) => Promise<boolean>;

export interface GuardOptions {
  readonly verify: Verify;
  readonly budget: BodyBudget;
  readonly limits: BodyLimits;
  /** Why no webhook may be served at all (a weak secret), or undefined. */
  readonly refusal?: string | undefined;
  readonly log: Pick<Probot["log"], "warn">;
}

const WEBHOOK_HEADERS = ["x-github-event", "x-hub-signature-256", "x-github-delivery"] as const;

/**
 * Probot's middleware reads a webhook's whole body, decodes and logs it before checking its signature.
 * The guard reads it first, bounded (see readBoundedBody), checks the signature on the bytes and hands
 * only a signed body on, as the text Probot would have read. A request Probot refuses without reading its
 * body (not a POST, not JSON, a webhook header missing, or another path) goes to Probot as it is.
 */
export function webhookGuard(inner: WebhookMiddleware, options: GuardOptions): WebhookMiddleware {
  return async (req, res, next) => {
    if (!readsBody(req)) return inner(req, res, next);
    const where = { delivery: header(req, "x-github-delivery"), event: header(req, "x-github-event") };
    if (options.refusal !== undefined) return answer(res, 503, options.refusal);
    const share = new BodyShare(options.budget);
    res.once("close", () => share.release());
    const read = await readBoundedBody(req, share, options.limits);
    if (!read.ok) {
      options.log.warn({ ...where, status: read.status }, `webhook refused: ${read.reason}`);
      return answer(res, read.status, read.reason);
    }
    if (!(await options.verify(read.body, header(req, "x-hub-signature-256") ?? ""))) {
      options.log.warn(
        { ...where, bytes: read.body.length },
        "webhook refused: the signature does not match",
      );
      return answer(res, 400, "signature does not match event payload and secret");
    }
    // @octokit/webhooks' node middleware takes a string `body` as the payload instead of reading the stream.
    (req as IncomingMessage & { body?: string }).body = read.body.toString("utf8");
    return inner(req, res, next);
  };
}

/** Whether Probot's middleware would read this request's body (it checks these before reading). */
function readsBody(req: IncomingMessage): boolean {
  const type = req.headers["content-type"];
  return (
    req.method === "POST" &&
    typeof type === "string" &&
    /^\s*application\/json\s*(?:;|$)/.test(type) &&
    WEBHOOK_HEADERS.every((name) => req.headers[name] !== undefined)
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A JSON error answer. Refusals other than 400 close the connection: the rest of a refused body is
 * discarded, not read on the same connection.
 */
function answer(res: ServerResponse, status: number, error: string): true {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(status === 400 ? {} : { connection: "close" }),
    ...(status === 503 ? { "retry-after": "10" } : {}),
  });
  res.end(body);
  return true;
}

/** Verifies with the secret itself, on the bytes: no text of an unsigned body is ever made. */
export function hmacVerify(secret: string): Verify {
  return async (body, signature) => {
    const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(body).digest("hex")}`);
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

const PROBE = "gitops-image-bot: which secret does Probot verify with?";
const signature = (secret: string, payload: string): string =>
  `sha256=${createHmac("sha256", secret).update(payload).digest("hex")}`;

/**
 * How the guard verifies and whether it refuses. Probot keeps its secret to itself but verifies with it:
 * a probe signed with a candidate tells whether it is Probot's. With Probot's default secret every webhook
 * is refused. With `secret` (the app's WEBHOOK_SECRET) confirmed as Probot's, the guard verifies the bytes
 * itself, and refuses when it is weak; otherwise (Probot given its secret another way, as tests do) it asks
 * Probot, on the body's text.
 */
export async function guardVerification(
  webhooks: Pick<Probot["webhooks"], "verify">,
  secret: string | undefined,
): Promise<Pick<GuardOptions, "verify" | "refusal">> {
  const isProbots = (candidate: string): Promise<boolean> =>
    webhooks.verify(PROBE, signature(candidate, PROBE)).catch(() => false);
  if (await isProbots(DEFAULT_SECRET))
    return { verify: async () => false, refusal: refusal(weakSecretReason(DEFAULT_SECRET)!) };
  if (secret !== undefined && secret !== "" && (await isProbots(secret))) {
    const weak = weakSecretReason(secret);
    return { verify: hmacVerify(secret), ...(weak === undefined ? {} : { refusal: refusal(weak) }) };
  }
  return {
    verify: (body, given) => webhooks.verify(body.toString("utf8"), given).catch(() => false),
  };
}

function refusal(weak: string): string {
  return `the app refuses webhooks: its WEBHOOK_SECRET ${weak}. Set WEBHOOK_SECRET to a long random secret (openssl rand -hex 32) in the app and its GitHub App registration.`;
}

export interface GuardSetup {
  /** The app's WEBHOOK_SECRET as the environment gives it (the app passes `process.env`'s). */
  readonly secret?: string | undefined;
  readonly limits?: BodyLimits;
  readonly inFlightBytes?: number;
}

/**
 * Puts the guard in front of Probot's webhook middleware: Probot's server (and `createNodeMiddleware`)
 * ask the Probot instance for its middleware after loading the app, so the app replaces that method on its
 * own instance. Call it from the app function.
 */
export function guardWebhooks(app: Probot, setup: GuardSetup = {}): void {
  const original = app.getNodeMiddleware.bind(app);
  const budget = new BodyBudget(setup.inFlightBytes ?? IN_FLIGHT_BYTES);
  const limits = setup.limits ?? { maxBytes: MAX_WEBHOOK_BYTES, timeoutMs: BODY_TIMEOUT_MS };
  app.getNodeMiddleware = async (options) => {
    const inner = (await original(options)) as WebhookMiddleware;
    const verification = await guardVerification(app.webhooks, setup.secret);
    if (verification.refusal !== undefined) app.log.error(verification.refusal);
    return webhookGuard(inner, { ...verification, budget, limits, log: app.log });
  };
}
