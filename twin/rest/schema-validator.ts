import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { openApiDocument, type OpenApiOperation } from "./openapi.js";

const DOC_ID = "github-rest";

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | null>();

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: rebase(openApiDocument().components, false) });
  return ajv;
}

/**
 * OpenAPI's `nullable` as GitHub means it, in terms Ajv accepts: beside `oneOf`, `anyOf` or `$ref` (no
 * `type`, which Ajv refuses to compile) it becomes "that schema, or null"; on an `enum` it admits null.
 */
function openNullable(schema: Record<string, unknown>): Record<string, unknown> {
  const nullable = schema["nullable"];
  if (typeof nullable !== "boolean") return schema;
  if (!("type" in schema)) {
    const rest = { ...schema };
    delete rest["nullable"];
    return nullable === true ? { anyOf: [rest, { type: "null" }] } : rest;
  }
  const values = schema["enum"];
  if (nullable === true && Array.isArray(values) && !values.includes(null)) {
    return { ...schema, enum: [...values, null] };
  }
  return schema;
}

/**
 * A schema's documented default is a value GitHub answers with, even where it breaks the schema's own
 * `format` (deployment statuses: `target_url` is a "uri" whose default, and unset value, is "").
 */
function allowDefault(schema: Record<string, unknown>): Record<string, unknown> {
  const fallback = schema["default"];
  if (typeof schema["format"] !== "string" || typeof fallback !== "string") return schema;
  return { anyOf: [schema, { const: fallback }] };
}

/** Points `#/components/...` references at the one registered copy of GitHub's components (unless `refs` is false). */
function rebase(schema: unknown, refs = true): unknown {
  if (Array.isArray(schema)) return schema.map((item) => rebase(item, refs));
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === "$ref" && refs && typeof value === "string" ? `${DOC_ID}${value}` : rebase(value, refs);
  }
  return allowDefault(openNullable(eitherAccount(out)));
}

/**
 * An installation's `account` is a user (or organization) or an enterprise: GitHub's description says
 * `anyOf`, but its dereferenced copy says `allOf` of the two, which no answer can meet.
 */
function eitherAccount(schema: Record<string, unknown>): Record<string, unknown> {
  const all = schema["allOf"];
  if (!Array.isArray(all) || all.length !== 2) return schema;
  const titles = all.map((entry) => (entry as { title?: unknown }).title);
  if (titles[0] !== "Simple User" || titles[1] !== "Enterprise") return schema;
  const rest = { ...schema };
  delete rest["allOf"];
  return { ...rest, anyOf: all };
}

function jsonSchema(content: Record<string, { schema?: unknown }> | undefined): unknown {
  if (!content) return undefined;
  const json = Object.entries(content).find(([type]) => type.includes("json"));
  return json?.[1].schema;
}

function validator(key: string, schema: unknown): ValidateFunction | null {
  if (!compiled.has(key)) {
    compiled.set(key, schema === undefined ? null : instance().compile(rebase(schema) as object));
  }
  return compiled.get(key)!;
}

function describe(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 8)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}

/** Problems with a request body against the route's published schema, or null when it conforms. */
export function checkRequestBody(operation: OpenApiOperation, body: unknown): string | null {
  const schema = jsonSchema(operation.requestBody?.content);
  const fn = validator(`${operation.operationId} request`, schema);
  if (!fn || fn(body)) return null;
  return describe(fn);
}

/** Problems with a JSON response against the schema published for that status, or null when it conforms. */
export function checkResponseBody(operation: OpenApiOperation, status: number, body: unknown): string | null {
  const response = operation.responses[String(status)];
  if (!response) {
    if (status >= 400) return null; // error bodies are GitHub's generic {message, documentation_url}
    return `status ${status} is not a documented response`;
  }
  const fn = validator(`${operation.operationId} ${status}`, jsonSchema(response.content));
  if (!fn || fn(body)) return null;
  return describe(fn);
}

/**
 * Problems with a webhook payload against the schema GitHub publishes for that event and action, or null
 * when it conforms (or GitHub publishes none, as for events without actions it does not describe).
 */
export function checkWebhookPayload(event: string, payload: Record<string, unknown>): string | null {
  const action = typeof payload["action"] === "string" ? payload["action"] : undefined;
  const key = [event, action]
    .filter((part) => part !== undefined)
    .join("-")
    .replaceAll("_", "-");
  const schema = jsonSchema(openApiDocument()["x-webhooks"][key]?.post?.requestBody?.content);
  const fn = validator(`webhook ${key}`, schema);
  if (!fn || fn(payload)) return null;
  return describe(fn);
}
