import { primarySource, snapshot, type Application } from "./application.js";
import { matchesSelector, parseLabelSelector } from "./label-selector.js";
import { checkQuery, checkResponse, matchOperation, type MatchedOperation } from "./swagger.js";

export interface ApiAnswer {
  /** `METHOD /template` of the swagger (or what was asked, when it names no operation). */
  readonly route: string;
  readonly status: number;
  readonly body: unknown;
}

export interface ApiContext {
  readonly token: string;
  readonly apps: () => readonly Application[];
  readonly violation: (text: string) => void;
}

/** A gRPC status as grpc-gateway writes it (Argo CD's `runtimeError`). */
function grpcError(route: string, status: number, code: number, message: string): ApiAnswer {
  return { route, status, body: { error: message, code, message } };
}

function bearer(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  return match?.[1]?.trim();
}

function list(
  matched: MatchedOperation,
  apps: readonly Application[],
  query: URLSearchParams,
  route: string,
): ApiAnswer {
  let selector;
  try {
    selector = parseLabelSelector(query.get("selector") ?? "");
  } catch (error) {
    return grpcError(route, 500, 2, `error parsing the selector: ${(error as Error).message}`);
  }
  const name = query.get("name");
  const projects = [...query.getAll("projects"), ...query.getAll("project")];
  const repo = query.get("repo") ?? "";
  const namespace = query.get("appNamespace") ?? "";
  const items = apps
    .filter((app) => matchesSelector(selector, app.metadata.labels ?? {}))
    .filter((app) => name === null || app.metadata.name === name)
    .filter((app) => projects.length === 0 || projects.includes(app.spec.project))
    // Argo CD's FilterByRepoP: the first source's repoURL, compared as a plain string (no normalisation).
    .filter((app) => repo === "" || primarySource(app)?.repoURL === repo)
    .filter((app) => namespace === "" || app.metadata.namespace === namespace)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0))
    .map(snapshot);
  const resourceVersion = String(apps.reduce((sum, app) => sum + Number(app.metadata.resourceVersion), 0));
  void matched;
  return { route, status: 200, body: { metadata: { resourceVersion }, items } };
}

/** Answers one API request as Argo CD's API server does, for the routes the twin serves. */
export function serveApi(
  context: ApiContext,
  method: string,
  path: string,
  query: URLSearchParams,
  authorization: string | undefined,
): ApiAnswer {
  const matched = matchOperation(method, path);
  if (!matched) {
    context.violation(`argocd twin: ${method} ${path} is no route of Argo CD's API`);
    return grpcError(`${method} ${path}`, 404, 5, "Not Found");
  }
  const route = `${matched.method} ${matched.template}`;
  for (const problem of checkQuery(matched, query)) context.violation(`argocd twin: ${problem}`);
  const answer = answer_(context, matched, query, authorization, route);
  const problem = checkResponse(matched.operation, answer.status, answer.body);
  if (problem) context.violation(`argocd twin: answer of ${route} breaks the swagger: ${problem}`);
  return answer;
}

function answer_(
  context: ApiContext,
  matched: MatchedOperation,
  query: URLSearchParams,
  authorization: string | undefined,
  route: string,
): ApiAnswer {
  const token = bearer(authorization);
  if (token === undefined) return grpcError(route, 401, 16, "no session information");
  if (token !== context.token)
    return grpcError(route, 401, 16, "invalid session: token signature is invalid");
  const apps = context.apps();
  switch (matched.operation.operationId) {
    case "ApplicationService_List":
      return list(matched, apps, query, route);
    case "ApplicationService_Get": {
      const namespace = query.get("appNamespace") || "argocd";
      const app = apps.find(
        (item) => item.metadata.name === matched.params["name"] && item.metadata.namespace === namespace,
      );
      // Argo CD does not tell an unknown application from a forbidden one: 403 permission denied.
      if (!app) return grpcError(route, 403, 7, "permission denied");
      return { route, status: 200, body: snapshot(app) };
    }
    default:
      context.violation(`argocd twin: the twin does not serve ${route} (${matched.operation.operationId})`);
      return grpcError(route, 501, 12, `the twin does not serve ${matched.operation.operationId}`);
  }
}
