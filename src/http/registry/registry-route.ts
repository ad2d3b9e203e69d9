import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplicationFunctionOptions } from "probot";
import { dockerHubPushes } from "../../handlers/registry-push-dockerhub.js";
import { harborPushes } from "../../handlers/registry-push-harbor.js";
import { quayPushes } from "../../handlers/registry-push-quay.js";
import type { PushParse, RegistryName, RegistryPush } from "../../handlers/registry-push.js";
import type { PushAnswer } from "../../routing/registry-pushes.js";
import type { Logger } from "../../services/deployer.js";
import { BodyBudget, BodyShare } from "../body-budget.js";
import { carriesSecret, endpointSecrets, matchesSecret, type EndpointSecrets } from "../endpoint-secrets.js";
import { answerJson } from "../json-answer.js";
import { readBoundedBody } from "../read-bounded-body.js";
import { REGISTRY_PREFIX, redactRegistryPath } from "./redact-path.js";

interface Registry {
  readonly label: string;
  readonly variable: string;
  /** Harbor sends its policy's "Auth Header" as `Authorization`; the others can only carry it in the path. */
  readonly secretIn: "authorization" | "path";
  readonly parse: (body: unknown) => PushParse;
}

export const REGISTRIES: Readonly<Record<RegistryName, Registry>> = {
  harbor: {
    label: "Harbor",
    variable: "HARBOR_WEBHOOK_SECRET",
    secretIn: "authorization",
    parse: harborPushes,
  },
  dockerhub: {
    label: "Docker Hub",
    variable: "DOCKERHUB_WEBHOOK_SECRET",
    secretIn: "path",
    parse: dockerHubPushes,
  },
  quay: { label: "Quay", variable: "QUAY_WEBHOOK_SECRET", secretIn: "path", parse: quayPushes },
};

/** A push is a few kB; Docker Hub's carries the repository's description (up to 25,000 characters). */
export const MAX_PUSH_BYTES = 256 * 1024;
const IN_FLIGHT_BYTES = 8 * MAX_PUSH_BYTES;
const BODY_TIMEOUT_MS = 10_000;

export type RegistrySecrets = Readonly<Record<RegistryName, EndpointSecrets>>;

/** Each registry's secrets from its variable (comma-separated for a rotation; see `endpointSecrets`). */
export function registrySecrets(env: Readonly<Record<string, string | undefined>>): RegistrySecrets {
  const secrets = (name: RegistryName): EndpointSecrets =>
    endpointSecrets(REGISTRIES[name].variable, env[REGISTRIES[name].variable]);
  return { harbor: secrets("harbor"), dockerhub: secrets("dockerhub"), quay: secrets("quay") };
}

export interface RegistryRouteOptions {
  readonly secrets: RegistrySecrets;
  /** Routes one pushed tag and answers what became of it. */
  readonly route: (push: RegistryPush) => Promise<PushAnswer>;
  readonly log: Logger;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

const USAGE = "use /api/registry/harbor, /api/registry/dockerhub/<secret> or /api/registry/quay/<secret>";

/**
 * `POST /api/registry/harbor` (the secret in `Authorization`, as Harbor sends its policy's "Auth Header"),
 * `POST /api/registry/dockerhub/<secret>` and `POST /api/registry/quay/<secret>` (registries that cannot
 * sign: the secret in the path). Off without a secret (404), 503 with a weak one, 401 and nothing else
 * for a wrong one, 400 with the reason for a body that is not the registry's push, 202 with what became
 * of each pushed tag. The URL is redacted before anything is answered, so no log shows a path secret.
 */
export function registryHandler(options: RegistryRouteOptions): Handler {
  const budget = new BodyBudget(IN_FLIGHT_BYTES);
  const { secrets, log } = options;
  return async (req, res) => {
    const url = req.url ?? "";
    if (!url.startsWith(REGISTRY_PREFIX)) return false;
    const path = url.split(/[?#]/, 1)[0] ?? "";
    const [name = "", secret, ...rest] = path.slice(REGISTRY_PREFIX.length).split("/");
    req.url = redactRegistryPath(url);
    if (!(name in REGISTRIES)) return answerJson(res, 404, { error: `no such registry endpoint: ${USAGE}` });
    const registry = REGISTRIES[name as RegistryName];
    const where = `${REGISTRY_PREFIX}${name}`;
    const extra = registry.secretIn === "path" ? rest.length > 0 : secret !== undefined;
    if (extra) return answerJson(res, 404, { error: `no such registry endpoint: ${USAGE}` });
    const endpoint = secrets[name as RegistryName];
    if (endpoint.kind === "off")
      return answerJson(res, 404, { error: `${where} is off: ${registry.variable} is not set` });
    if (endpoint.kind === "refused") return answerJson(res, 503, { error: endpoint.reason });
    if (req.method !== "POST")
      return answerJson(
        res,
        405,
        { error: `${req.method ?? "?"} is not allowed on ${where}: use POST` },
        { allow: "POST" },
      );
    const authentic =
      registry.secretIn === "authorization"
        ? carriesSecret(req.headers, endpoint.digests, { header: "authorization", bearer: true })
        : matchesSecret(decoded(secret ?? ""), endpoint.digests);
    if (!authentic) {
      log.warn({ registry: name }, `${registry.label} push refused: the secret is missing or wrong`);
      return answerJson(res, 401, { error: "unauthorized" });
    }
    const body = await readJson(req, res, budget);
    if (!body.ok) {
      log.warn({ registry: name, status: body.status }, `${registry.label} push refused: ${body.error}`);
      return answerJson(res, body.status, { error: body.error });
    }
    const parsed = registry.parse(body.value);
    if (parsed.kind === "invalid") {
      log.warn({ registry: name }, `${registry.label} push refused: ${parsed.reason}`);
      return answerJson(res, 400, { error: parsed.reason });
    }
    if (parsed.kind === "ignored") {
      log.debug({ registry: name }, `${registry.label} webhook ignored: ${parsed.reason}`);
      return answerJson(res, 202, { ignored: parsed.reason });
    }
    const pushes: PushAnswer[] = [];
    try {
      for (const push of parsed.pushes) pushes.push(await options.route(push));
    } catch (error) {
      log.error({ registry: name, err: error }, `${registry.label} push not routed`);
      return answerJson(res, 503, { error: "the push could not be routed now: retry later" });
    }
    for (const push of pushes)
      log.info(
        { registry: name, pushed: push.pushed, queued: push.queued.length, ignored: push.ignored.length },
        `${registry.label} push routed`,
      );
    return answerJson(res, 202, { pushes });
  };
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}

type JsonRead = { ok: true; value: unknown } | { ok: false; status: number; error: string };

async function readJson(req: IncomingMessage, res: ServerResponse, budget: BodyBudget): Promise<JsonRead> {
  const share = new BodyShare(budget);
  res.once("close", () => share.release());
  const read = await readBoundedBody(req, share, { maxBytes: MAX_PUSH_BYTES, timeoutMs: BODY_TIMEOUT_MS });
  if (!read.ok)
    return {
      ok: false,
      status: read.status,
      error: read.status === 413 ? `the body is larger than ${MAX_PUSH_BYTES} bytes` : read.reason,
    };
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(read.chunks, read.length).toString("utf8")) };
  } catch {
    return { ok: false, status: 400, error: "the body is not JSON" };
  }
}

/** Adds the registry endpoints to Probot's HTTP server; without a server it does nothing. */
export function registerRegistries(
  appOptions: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined,
  options: RegistryRouteOptions,
): void {
  if (typeof appOptions?.addHandler !== "function") return;
  for (const [name, endpoint] of Object.entries(options.secrets))
    if (endpoint.kind === "refused")
      options.log.error({}, `${REGISTRY_PREFIX}${name} refuses every request: ${endpoint.reason}`);
  try {
    appOptions.addHandler(registryHandler(options));
  } catch (error) {
    if (error instanceof Error && error.message === "No server instance") return;
    throw error;
  }
}
