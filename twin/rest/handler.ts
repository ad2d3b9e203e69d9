import type { IncomingHttpHeaders } from "node:http";
import type { Caller } from "../auth.js";
import type { TwinCore } from "../twin-core.js";
import type { Account, RepoRecord } from "../state.js";
import type { Urls } from "./shapes.js";

export interface RestRequest {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
  readonly headers: IncomingHttpHeaders;
  readonly caller: Caller;
  readonly urls: Urls;
}

export interface RestResponse {
  readonly status: number;
  readonly body?: unknown;
  /** A non-JSON body (for example a raw file for `Accept: application/vnd.github.raw`). */
  readonly raw?: { readonly contentType: string; readonly data: Buffer };
  readonly headers?: Record<string, string>;
}

export type RestHandler = (request: RestRequest, twin: TwinCore) => Promise<RestResponse>;

/** Handlers keyed by the operationId of GitHub's REST description (`git/create-ref`). */
export type RestHandlers = Record<string, RestHandler>;

/** An answer GitHub gives as `{message, documentation_url, status}`; `errors` for 422 validation failures. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: ReadonlyArray<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** GitHub's 422 "Validation Failed" for one field of one resource. */
export function invalid(resource: string, field: string, code = "invalid", value?: unknown): HttpError {
  return new HttpError(422, "Validation Failed", [
    { resource, field, code, ...(value === undefined ? {} : { value }) },
  ]);
}

export function notFound(): HttpError {
  return new HttpError(404, "Not Found");
}

/** The repository named by `{owner}/{repo}`, if the caller may see it (GitHub answers 404 otherwise). */
export function requireRepo(request: RestRequest, twin: TwinCore): RepoRecord {
  const repo = twin.store.findRepo(request.params["owner"] ?? "", request.params["repo"] ?? "");
  if (!repo || !twin.canSee(request.caller, repo)) throw notFound();
  return repo;
}

/** The account that a write is attributed to: the app's bot for an installation token. */
export function actor(request: RestRequest, twin: TwinCore): Account {
  if (request.caller.kind === "installation") return request.caller.app.bot;
  return twin.store.account("anonymous");
}

export function str(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  return typeof value === "string" ? value : undefined;
}

export function page(query: URLSearchParams): { perPage: number; page: number } {
  const perPage = Math.min(100, Math.max(1, Number(query.get("per_page") ?? 30) || 30));
  const pageNumber = Math.max(1, Number(query.get("page") ?? 1) || 1);
  return { perPage, page: pageNumber };
}

/** One page of a list, with GitHub's `Link` header for the next and last pages. */
export function paginate<T>(
  request: RestRequest,
  items: readonly T[],
  path: string,
): RestResponse & { body: T[] } {
  const { perPage, page: current } = page(request.query);
  const slice = items.slice((current - 1) * perPage, current * perPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const links: string[] = [];
  const link = (n: number, rel: string): string => {
    const query = new URLSearchParams(request.query);
    query.set("per_page", String(perPage));
    query.set("page", String(n));
    return `<${request.urls.api}${path}?${query.toString()}>; rel="${rel}"`;
  };
  if (current < last) links.push(link(current + 1, "next"), link(last, "last"));
  if (current > 1) links.push(link(1, "first"), link(current - 1, "prev"));
  return { status: 200, body: slice, headers: links.length > 0 ? { link: links.join(", ") } : {} };
}
