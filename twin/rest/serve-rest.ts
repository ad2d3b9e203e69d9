import type { IncomingMessage } from "node:http";
import { AuthError, identify, type Caller } from "../auth.js";
import { SECONDARY_RATE_LIMIT_DOCS, SECONDARY_RATE_LIMIT_MESSAGE } from "../faults.js";
import type { TwinCore } from "../twin-core.js";
import { HttpError, type RestHandlers, type RestResponse } from "./handler.js";
import { matchRoute } from "./router.js";
import { checkRequestBody, checkResponseBody } from "./schema-validator.js";
import { raceWriters } from "../race.js";
import { restLimitRefusal } from "../limits.js";

const DOCS = "https://docs.github.com/rest";

/** Routes that create nothing in a repository, though they are not GETs. */
const NOT_CONTENT_CREATING = new Set(["apps/create-installation-access-token"]);

export function errorBody(
  status: number,
  message: string,
  extra: Record<string, unknown> = {},
): RestResponse {
  return { status, body: { message, ...extra, documentation_url: DOCS, status: String(status) } };
}

/** Who a request counts against for GitHub's per-client limits. */
export function clientKey(caller: Caller): string {
  if (caller.kind === "installation") return `installation:${caller.installation.id}`;
  if (caller.kind === "app") return `app:${caller.app.id}`;
  return "anonymous";
}

/**
 * Counts a content-creating request (a REST write or a GraphQL mutation) against its client, or answers
 * GitHub's secondary rate limit when the client already made the allowed number in the last 60 s.
 */
export function admitContentCreating(
  twin: TwinCore,
  caller: Caller,
  route: string,
): RestResponse | undefined {
  const client = clientKey(caller);
  const now = twin.store.now().getTime();
  if (
    twin.counters.recentContentCreating(client, now) >= twin.faults.contentCreatingPerMinute ||
    twin.counters.recentContentCreating(client, now, 3_600_000) >= twin.faults.contentCreatingPerHour
  ) {
    twin.counters.secondaryLimitRefused.push({ at: now, client, route });
    return {
      status: 403,
      body: { message: SECONDARY_RATE_LIMIT_MESSAGE, documentation_url: SECONDARY_RATE_LIMIT_DOCS },
      headers: { "retry-after": "60" },
    };
  }
  twin.counters.contentCreating.push({ at: now, client, route });
  return undefined;
}

/** Answers one REST request under `/api/v3`, validating it and its answer against GitHub's description. */
export async function serveRest(
  twin: TwinCore,
  handlers: RestHandlers,
  request: IncomingMessage,
  pathname: string,
  query: URLSearchParams,
  rawBody: string,
): Promise<RestResponse> {
  const method = request.method ?? "GET";
  const route = matchRoute(method, pathname);
  if (!route) {
    twin.violation(`${method} ${pathname} is not a route of GitHub's REST API`);
    return errorBody(404, "Not Found");
  }
  twin.counters.counted(route.name);
  const latency = twin.faults.latencyFor(route.name);
  if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));

  let caller: Caller;
  try {
    caller = identify(twin.store, request.headers.authorization);
  } catch (error) {
    if (error instanceof AuthError) return errorBody(401, error.message);
    throw error;
  }

  const failure = twin.faults.takeFailure(route.name);
  if (failure) {
    const response = failure.body
      ? { status: failure.status, body: failure.body }
      : errorBody(failure.status, failure.status >= 500 ? "Server Error" : "Injected failure");
    return { ...response, headers: { ...failure.headers } };
  }

  if (method !== "GET" && method !== "HEAD" && !NOT_CONTENT_CREATING.has(route.operationId)) {
    const limited = admitContentCreating(twin, caller, route.name);
    if (limited) return limited;
  }

  let body: Record<string, unknown> = {};
  if (rawBody.trim() !== "") {
    try {
      body = JSON.parse(rawBody) as Record<string, unknown>;
    } catch {
      return errorBody(400, "Problems parsing JSON");
    }
  }
  // GitHub's size limits answer before the schema check, which knows some of them (check run outputs).
  const tooLarge = restLimitRefusal(route.operationId, body);
  if (tooLarge?.kind === "invalid-request") return errorBody(422, `Invalid request.\n\n${tooLarge.message}`);
  if (tooLarge) {
    const { resource, field, code, message } = tooLarge;
    return errorBody(422, "Validation Failed", { errors: [{ resource, code, field, message }] });
  }
  if (twin.validate && method !== "GET") {
    const problem = checkRequestBody(route.operation, body);
    if (problem) {
      twin.violation(`${route.name}: request body does not match GitHub's schema: ${problem}`);
      return errorBody(422, `Invalid request.\n\n${problem}`);
    }
  }

  const handler = handlers[route.operationId];
  if (!handler) {
    twin.violation(`the twin does not serve ${route.name} (${route.operationId})`);
    return errorBody(501, `The GitHub twin does not serve ${route.name}`);
  }

  await raceWriters(twin, route.name, route.params["owner"], route.params["repo"]);

  let response: RestResponse;
  try {
    response = await handler(
      { method, params: route.params, query, body, headers: request.headers, caller, urls: twin.urls },
      twin,
    );
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    response = errorBody(error.status, error.message, error.errors ? { errors: error.errors } : {});
  }
  if (twin.validate && response.raw === undefined && response.status < 300) {
    const problem = checkResponseBody(route.operation, response.status, response.body);
    if (problem)
      twin.violation(
        `${route.name}: the twin's answer (${response.status}) does not match GitHub's schema: ${problem}`,
      );
  }
  return response;
}
