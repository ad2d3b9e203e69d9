import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** A parameter of a Swagger 2.0 operation (Argo CD's API is described in Swagger 2.0 by grpc-gateway). */
export interface SwaggerParameter {
  readonly name: string;
  readonly in: "path" | "query" | "body" | "header";
  readonly type?: string;
  readonly required?: boolean;
  readonly items?: { readonly type?: string };
}

export interface SwaggerOperation {
  readonly operationId: string;
  readonly parameters?: readonly SwaggerParameter[];
  readonly responses: Record<string, { schema?: unknown } | undefined>;
}

interface SwaggerDocument {
  readonly paths: Record<string, Record<string, SwaggerOperation>>;
  readonly definitions: Record<string, unknown>;
}

/** A request matched to an operation of Argo CD's swagger: its template and path parameters. */
export interface MatchedOperation {
  readonly template: string;
  readonly method: string;
  readonly operation: SwaggerOperation;
  readonly params: Record<string, string>;
}

const DOC_ID = "argocd-swagger";

let cached: SwaggerDocument | undefined;

/** Argo CD's own API description, kept in the project (see fixtures/README.md for where it comes from). */
export function swaggerDocument(): SwaggerDocument {
  cached ??= JSON.parse(
    readFileSync(new URL("./fixtures/swagger.json", import.meta.url), "utf8"),
  ) as SwaggerDocument;
  return cached;
}

/** Matches a method and path (`/api/v1/applications/web-dev`) to the swagger's operation, or null. */
export function matchOperation(method: string, path: string): MatchedOperation | null {
  const parts = path.split("/");
  for (const [template, operations] of Object.entries(swaggerDocument().paths)) {
    const operation = operations[method.toLowerCase()];
    if (!operation) continue;
    const templateParts = template.split("/");
    if (templateParts.length !== parts.length) continue;
    const params: Record<string, string> = {};
    const matches = templateParts.every((part, index) => {
      const actual = parts[index] ?? "";
      const name = /^\{([^}=]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part === actual;
      if (actual === "") return false;
      params[name] = decodeURIComponent(actual);
      return true;
    });
    if (matches) return { template, method: method.toUpperCase(), operation, params };
  }
  return null;
}

/**
 * Problems with a request's query against the operation's parameters: a name the operation does not
 * declare (Argo CD ignores it; the app would be relying on nothing), or a repeated non-array one.
 */
export function checkQuery(matched: MatchedOperation, query: URLSearchParams): string[] {
  const declared = new Map(
    (matched.operation.parameters ?? []).filter((p) => p.in === "query").map((p) => [p.name, p]),
  );
  const problems: string[] = [];
  for (const name of new Set(query.keys())) {
    const parameter = declared.get(name);
    if (!parameter) {
      problems.push(`${matched.method} ${matched.template} has no query parameter \`${name}\``);
      continue;
    }
    if (parameter.type !== "array" && query.getAll(name).length > 1) {
      problems.push(`${matched.method} ${matched.template}: \`${name}\` is not an array parameter`);
    }
    if (parameter.type === "boolean" && !["true", "false"].includes(query.get(name) ?? "")) {
      problems.push(`${matched.method} ${matched.template}: \`${name}\` is a boolean`);
    }
  }
  return problems;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction | null>();

/**
 * Argo CD's answers are Go structs marshalled to JSON: a field its definition does not name never appears.
 * So every object schema with `properties` is closed here, to catch a twin answer Argo CD could not give.
 */
function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (schema === null || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "$ref" && typeof value === "string") out[key] = `${DOC_ID}${value}`;
    else if (key === "properties" && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, closeObjects(sub)]));
    } else out[key] = closeObjects(value);
  }
  if ("properties" in out && !("additionalProperties" in out)) out["additionalProperties"] = false;
  return out;
}

function instance(): Ajv {
  if (ajv) return ajv;
  ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat("int64", true).addFormat("int32", true).addFormat("byte", true);
  ajv.addSchema({ $id: DOC_ID, definitions: closeObjects(swaggerDocument().definitions) });
  return ajv;
}

function describe(fn: ValidateFunction): string {
  return (fn.errors ?? [])
    .slice(0, 8)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`)
    .join("; ");
}

/**
 * Problems with an answer against the schema the swagger gives for that status (`default`, the
 * `runtimeError`, for errors), or null when it conforms.
 */
export function checkResponse(operation: SwaggerOperation, status: number, body: unknown): string | null {
  const response =
    operation.responses[String(status)] ?? (status >= 400 ? operation.responses["default"] : undefined);
  if (!response) return `status ${status} is not a documented response of ${operation.operationId}`;
  const key = `${operation.operationId} ${status >= 400 ? "default" : status}`;
  if (!compiled.has(key)) {
    compiled.set(
      key,
      response.schema === undefined ? null : instance().compile(closeObjects(response.schema) as object),
    );
  }
  const fn = compiled.get(key);
  if (!fn || fn(body)) return null;
  return `${operation.operationId} ${status}: ${describe(fn)}`;
}
