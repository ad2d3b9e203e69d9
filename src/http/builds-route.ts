import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import { fullName, type Build } from "../core/plan/build.js";
import { buildFromBody } from "../handlers/build-body.js";
import type { ExternalAnswer } from "../routing/external-builds.js";
import type { Logger } from "../services/deployer.js";
import { BodyBudget, BodyShare } from "./body-budget.js";
import { offeredSignature, signedByOne, signingSecrets, type SigningSecrets } from "./body-signature.js";
import { answerJson } from "./json-answer.js";
import { readBoundedBody, type BodyLimits } from "./read-bounded-body.js";

export const BUILDS_PATH = "/api/builds";
export const BUILDS_SECRET_VARIABLE = "BUILDS_WEBHOOK_SECRET";
/** The header that carries the body's signature (the scheme of GitHub's `X-Hub-Signature-256`). */
export const SIGNATURE_HEADER = "x-gitops-image-bot-signature-256";
/** A build's body is a few hundred bytes; 64 KiB is far more than any valid one. */
export const BUILDS_LIMITS: BodyLimits = { maxBytes: 64 * 1024, timeoutMs: 10_000 };
const IN_FLIGHT_BYTES = 4 * 1024 * 1024;

/** `BUILDS_WEBHOOK_SECRET`'s secrets (comma-separated for a rotation; see `endpointSecrets`). */
export function buildsSecrets(text: string | undefined): SigningSecrets {
  return signingSecrets(BUILDS_SECRET_VARIABLE, text);
}

export interface BuildsRouteOptions {
  readonly secrets: SigningSecrets;
  /** Routes a valid build (`ExternalBuilds.route`): the answer is the CI's to see. */
  readonly route: (build: Build) => Promise<ExternalAnswer>;
  readonly now: () => number;
  readonly log: Logger;
  readonly limits?: BodyLimits;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const UNAUTHORIZED = { error: "unauthorized" } as const;

/**
 * `POST /api/builds`, the build endpoint of any CI (docs/builds.md): off (404) without a secret, 503
 * with a weak one; 401 `{"error":"unauthorized"}` and nothing else without a valid HMAC-SHA256
 * signature of the raw body (`X-Gitops-Image-Bot-Signature-256: sha256=<hex>`); 413 past 64 KiB; 400
 * with the first failing field and its fix; 202 with where the build was queued, or why not. Other
 * paths are left to the next handler (resolves false).
 */
export function buildsHandler(options: BuildsRouteOptions): Handler {
  const { secrets, log } = options;
  const limits = options.limits ?? BUILDS_LIMITS;
  const budget = new BodyBudget(Math.max(IN_FLIGHT_BYTES, limits.maxBytes));
  return async (req, res) => {
    const path = (req.url ?? "").split("?", 1)[0];
    if (path !== BUILDS_PATH) return false;
    if (secrets.kind === "off")
      return refuse(req, res, 404, {
        error: `${BUILDS_PATH} is off: set ${BUILDS_SECRET_VARIABLE} to turn it on`,
      });
    if (secrets.kind === "refused") return refuse(req, res, 503, { error: secrets.reason });
    if (req.method !== "POST")
      return refuse(
        req,
        res,
        405,
        { error: `${req.method ?? "?"} is not allowed on ${BUILDS_PATH}: use POST` },
        { allow: "POST" },
      );
    const signature = offeredSignature(req.headers[SIGNATURE_HEADER]);
    if (signature === undefined) {
      log.debug({ path: BUILDS_PATH }, "build refused: no signature");
      return refuse(req, res, 401, UNAUTHORIZED);
    }
    const share = new BodyShare(budget);
    try {
      const read = await readBoundedBody(req, share, limits);
      if (!read.ok) {
        const reason = read.status === 413 ? `the body is larger than ${limits.maxBytes} bytes` : read.reason;
        log.warn({ path: BUILDS_PATH, status: read.status }, `build refused: ${reason}`);
        return answerJson(res, read.status, { error: reason });
      }
      if (!signedByOne(read.chunks, signature, secrets.keys)) {
        log.warn({ path: BUILDS_PATH }, "build refused: the signature is wrong");
        return answerJson(res, 401, UNAUTHORIZED);
      }
      return await accept(Buffer.concat(read.chunks, read.length).toString("utf8"), res, options);
    } finally {
      share.release();
    }
  };
}

/** A signed body: validated, routed, answered. */
async function accept(text: string, res: ServerResponse, options: BuildsRouteOptions): Promise<true> {
  const { log } = options;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    log.warn({ path: BUILDS_PATH }, "build refused: the body is not JSON");
    return answerJson(res, 400, {
      error: "the body is not JSON",
      field: "body",
      fix: "send a JSON object (docs/builds.md)",
    });
  }
  const parsed = buildFromBody(body, options.now());
  if (!parsed.ok) {
    log.warn({ path: BUILDS_PATH, field: parsed.field }, `build refused: ${parsed.error}`);
    return answerJson(res, 400, { error: parsed.error, field: parsed.field, fix: parsed.fix });
  }
  const { build } = parsed;
  let answer: ExternalAnswer;
  try {
    answer = await options.route(build);
  } catch (error) {
    log.error(
      { path: BUILDS_PATH, err: error },
      `build of ${source(build)} not routed: ${(error as Error).message}`,
    );
    return answerJson(res, 503, { error: "the build could not be routed now; send it again later" });
  }
  logAnswer(log, build, answer);
  return answerJson(res, 202, answer);
}

function logAnswer(log: Logger, build: Build, answer: ExternalAnswer): void {
  const fields = { source: source(build), image: `${build.image?.name}:${build.image?.tag}`, id: build.id };
  if (answer.queued.length > 0)
    log.info(
      { ...fields, queued: answer.queued.map((one) => one.manifests) },
      `build of ${fields.source} (${fields.image}) queued for ${answer.queued.map((one) => one.manifests).join(", ")}`,
    );
  if (answer.duplicate) log.debug(fields, `build of ${fields.source} ignored: sent before`);
  if (answer.unrouted !== undefined) log.debug(fields, `build ignored: ${answer.unrouted}`);
  for (const ignored of answer.ignored)
    log.debug(
      { ...fields, manifests: ignored.manifests },
      `build ignored by ${ignored.manifests}: ${ignored.reason}`,
    );
}

function source(build: Build): string {
  const host = build.repository.host;
  return `${host === undefined ? "" : `${host}/`}${fullName(build.repository)}`;
}

function refuse(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: object,
  headers?: Record<string, string>,
): true {
  req.on("error", () => undefined);
  req.resume();
  return answerJson(res, status, body, headers);
}

/**
 * Adds `/api/builds` to Probot's HTTP server, as `/api/argocd` is added; without a server it does
 * nothing. A weak secret is logged at start (the endpoint then answers 503).
 */
export function registerBuilds(
  appOptions: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  options: BuildsRouteOptions,
): void {
  if (typeof appOptions?.addHandler !== "function") return;
  if (options.secrets.kind === "refused")
    options.log.error({}, `${BUILDS_PATH} refuses every request: ${options.secrets.reason}`);
  try {
    appOptions.addHandler(buildsHandler(options));
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}
