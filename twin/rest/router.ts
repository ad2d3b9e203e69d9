import { openApiDocument, type OpenApiOperation } from "./openapi.js";

const METHODS = ["get", "post", "put", "patch", "delete"] as const;

/** Parameters that GitHub lets span several path segments (`heads/feature/x`, `dir/file.yaml`, `a...b`). */
const GREEDY = new Set(["ref", "path", "basehead"]);

export interface RouteMatch {
  /** `METHOD /template`, as GitHub's REST description names the route. */
  readonly name: string;
  readonly operationId: string;
  readonly operation: OpenApiOperation;
  readonly params: Readonly<Record<string, string>>;
}

interface Route {
  readonly method: string;
  readonly template: string;
  readonly regex: RegExp;
  readonly keys: readonly string[];
  readonly literals: number;
  readonly operation: OpenApiOperation;
}

let routes: Route[] | undefined;

function compile(): Route[] {
  const list: Route[] = [];
  for (const [template, item] of Object.entries(openApiDocument().paths)) {
    const keys: string[] = [];
    const segments = template.split("/").filter((segment) => segment !== "");
    const pattern = segments
      .map((segment, index) => {
        const whole = /^\{([^}]+)\}$/.exec(segment);
        if (whole) {
          keys.push(whole[1]!);
          const last = index === segments.length - 1;
          return GREEDY.has(whole[1]!) && last ? "(.+)" : "([^/]+)";
        }
        return segment.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{([^}]+)\}/g, (_m, key: string) => {
          keys.push(key);
          return "([^/]+)";
        });
      })
      .join("/");
    const literals = segments.filter((segment) => !segment.includes("{")).length;
    for (const method of METHODS) {
      const operation = item[method] as OpenApiOperation | undefined;
      if (!operation) continue;
      list.push({ method, template, regex: new RegExp(`^/${pattern}/?$`), keys, literals, operation });
    }
  }
  // The most specific template wins: `/commits/{ref}/status` before `/commits/{ref}`.
  return list.sort((a, b) => b.literals - a.literals || a.keys.length - b.keys.length);
}

/** Finds the GitHub REST route of a request path (below `/api/v3`), or undefined when GitHub has none. */
export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  routes ??= compile();
  const lower = method.toLowerCase();
  for (const route of routes) {
    if (route.method !== lower) continue;
    const match = route.regex.exec(pathname);
    if (!match) continue;
    const params: Record<string, string> = {};
    try {
      route.keys.forEach((key, index) => {
        params[key] = decodeURIComponent(match[index + 1]!);
      });
    } catch {
      return undefined; // a malformed %-escape: GitHub answers 404
    }
    return {
      name: `${method.toUpperCase()} ${route.template}`,
      operationId: route.operation.operationId,
      operation: route.operation,
      params,
    };
  }
  return undefined;
}
