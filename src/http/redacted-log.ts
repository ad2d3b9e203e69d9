import { hostname } from "node:os";
import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import type { Env } from "../start.js";
import { redactRegistryPath } from "./registry/redact-path.js";

/**
 * Request headers that carry credentials: Probot's HTTP log writes every header of every request
 * (`X-Gitops-Image-Bot-Secret` is the secret Argo CD Notifications sends to `/api/argocd`).
 */
export const REDACTED_HEADERS = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-gitops-image-bot-secret"]',
];

/**
 * Probot's logger, built from the same variables Probot reads (LOG_LEVEL, LOG_FORMAT,
 * LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY, SENTRY_DSN), with credentials redacted: a Prometheus scrape
 * of `/metrics` sends `Authorization: Bearer <METRICS_TOKEN>`, which would otherwise be logged.
 * With `replica` (the fleet's replica id, `replicaIdFrom`), every line carries it as `replica`, next to
 * pino's `pid` and `hostname`.
 */
export async function redactedLog(
  env: Env,
  destination: NodeJS.WritableStream = pino.destination(1) as unknown as NodeJS.WritableStream,
  replica?: string,
): Promise<Logger> {
  const transform = await getTransformStream({
    // As the README says: JSON in production unless LOG_FORMAT says otherwise.
    logFormat:
      env["LOG_FORMAT"] === "json" || env["LOG_FORMAT"] === "pretty"
        ? env["LOG_FORMAT"]
        : env["NODE_ENV"] === "production"
          ? "json"
          : "pretty",
    logLevelInString: env["LOG_LEVEL_IN_STRING"] === "true",
    ...(env["SENTRY_DSN"] ? { sentryDsn: env["SENTRY_DSN"] } : {}),
  });
  transform.pipe(destination);
  return pino(
    {
      level: env["LOG_LEVEL"] || "info",
      name: "probot",
      base: { pid: process.pid, hostname: hostname(), ...(replica === undefined ? {} : { replica }) },
      messageKey: env["LOG_MESSAGE_KEY"] || "msg",
      // A registry endpoint's URL carries its secret (`/api/registry/dockerhub/<secret>`): only the path
      // before it is logged; every other redacted value is replaced whole.
      redact: {
        paths: [...REDACTED_HEADERS, "req.url"],
        censor: (value: unknown, path: string[]) =>
          path.join(".") === "req.url"
            ? typeof value === "string"
              ? redactRegistryPath(value)
              : value
            : "[Redacted]",
      },
    },
    transform,
  );
}
