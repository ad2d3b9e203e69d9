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

/**
 * One body's signature check: shown the body's chunks as they arrive, then asked whether `signature`
 * (`sha256=<hex>`) signs the body with the app's webhook secret; `body()` joins the chunks when needed.
 */
export interface SignatureCheck {
  update(chunk: Buffer): void;
  matches(signature: string, body: () => Buffer): Promise<boolean>;
}

/** Starts a signature check for one body. */
export type Verify = () => SignatureCheck;

export interface GuardOptions {
  readonly verify: Verify;
  readonly budget: BodyBudget;
  readonly limits: BodyLimits;
  /** Why no webhook may be served at all (a weak secret), or undefined. */
  readonly refusal?: string | undefined;
  /** Why no webhook can be taken right now (the fleet's Redis is down), or undefined: answered 503. */
  readonly unavailable?: () => string | undefined;
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
    if (options.refusal !== undefined) return answer(req, res, 503, options.refusal);
    const down = options.unavailable?.();
    if (down !== undefined) {
      options.log.warn(where, `webhook refused for now: ${down}`);
      return answer(req, res, 503, down);
    }
    const share = new BodyShare(options.budget);
    res.once("close", () => share.release());
    const check = options.verify();
    const read = await readBoundedBody(req, share, options.limits, (chunk) => check.update(chunk));
    if (!read.ok) {
      options.log.warn({ ...where, status: read.status }, `webhook refused: ${read.reason}`);
      return answer(req, res, read.status, read.reason);
    }
    let joined: Buffer | undefined;
    const body = (): Buffer => {
      if (joined === undefined) {
        joined = Buffer.concat(read.chunks, read.length);
        read.chunks.length = 0; // the pieces go as soon as they are joined
      }
      return joined;
    };
    if (!(await check.matches(header(req, "x-hub-signature-256") ?? "", body))) {
      options.log.warn({ ...where, bytes: read.length }, "webhook refused: the signature does not match");
      return answer(req, res, 400, "signature does not match event payload and secret");
    }
    // @octokit/webhooks' node middleware takes a string `body` as the payload instead of reading the stream.
    (req as IncomingMessage & { body?: string }).body = body().toString("utf8");
    joined = undefined;
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
 * A JSON error answer. A refused body may still be arriving: closing the connection at once would reset
 * it, and the sender could lose the answer before reading it. So the rest is read and discarded for a
 * while (a sender that sees the answer stops), and the connection is closed only after LINGER_MS or
 * LINGER_BYTES more, whichever comes first.
 */
function answer(req: IncomingMessage, res: ServerResponse, status: number, error: string): true {
  const body = JSON.stringify({ error });
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(body),
    ...(status === 503 ? { "retry-after": "10" } : {}),
  });
  res.end(body);
  if (!req.complete) linger(req);
  return true;
}

const LINGER_MS = 5_000;
const LINGER_BYTES = 64 * 1024 * 1024;

function linger(req: IncomingMessage): void {
  let discarded = 0;
  const close = (): void => {
    clearTimeout(timer);
    req.socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  req.on("error", () => undefined);
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES) close();
  });
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
}

/**
 * Verifies with the secret itself, on the bytes as they arrive: an unsigned body is never joined,
 * decoded or parsed.
 */
export function hmacVerify(secret: string): Verify {
  return () => {
    const hmac = createHmac("sha256", secret);
    return {
      update: (chunk) => void hmac.update(chunk),
      matches: async (signature) => {
        const expected = Buffer.from(`sha256=${hmac.digest("hex")}`);
        const given = Buffer.from(signature);
        return given.length === expected.length && timingSafeEqual(given, expected);
      },
    };
  };
}

/** Verifies through Probot's own check, which takes the body's text. */
function probotVerify(webhooks: Pick<Probot["webhooks"], "verify">): Verify {
  return () => ({
    update: () => undefined,
    matches: (signature, body) => webhooks.verify(body().toString("utf8"), signature).catch(() => false),
  });
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
    return {
      verify: probotVerify(webhooks),
      refusal: refusal(weakSecretReason(DEFAULT_SECRET) ?? "is the default"),
    };
  if (secret !== undefined && secret !== "" && (await isProbots(secret))) {
    const weak = weakSecretReason(secret);
    return { verify: hmacVerify(secret), ...(weak === undefined ? {} : { refusal: refusal(weak) }) };
  }
  return { verify: probotVerify(webhooks) };
}

function refusal(weak: string): string {
  return `the app refuses webhooks: its WEBHOOK_SECRET ${weak}. Set WEBHOOK_SECRET to a long random secret (openssl rand -hex 32) in the app and its GitHub App registration.`;
}

export interface GuardSetup {
  /** The app's WEBHOOK_SECRET as the environment gives it (the app passes `process.env`'s). */
  readonly secret?: string | undefined;
  readonly limits?: BodyLimits;
  readonly inFlightBytes?: number;
  /** Why no webhook can be taken right now (the fleet's Redis is down): such webhooks are answered 503. */
  readonly unavailable?: () => string | undefined;
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
    return webhookGuard(inner, {
      ...verification,
      budget,
      limits,
      log: app.log,
      ...(setup.unavailable ? { unavailable: setup.unavailable } : {}),
    });
  };
}
