import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface OpenApiOperation {
  readonly operationId: string;
  readonly requestBody?: { content?: Record<string, { schema?: unknown }> };
  readonly responses: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}

export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation | unknown>>;
  /** Webhook payloads, keyed `issue-comment-created` (event and action, hyphenated), each under `post`. */
  readonly "x-webhooks": Record<string, { post?: Pick<OpenApiOperation, "requestBody"> }>;
  readonly components: Record<string, unknown>;
}

let cached: OpenApiDocument | undefined;

/** GitHub's published REST description (api.github.com, with $refs kept so schemas compile once). */
export function openApiDocument(): OpenApiDocument {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
    cached = JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument;
  }
  return cached;
}
