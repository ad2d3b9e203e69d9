import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { TwinCore } from "./twin-core.js";
import { TwinStore } from "./store.js";
import { serveRest, errorBody } from "./rest/serve-rest.js";
import { restHandlers } from "./rest/handlers/index.js";
import { serveGraphql } from "./graphql/serve-graphql.js";
import { serveAdmin } from "./admin.js";
import type { RestResponse } from "./rest/handler.js";

export interface TwinOptions {
  /** Validate every request and answer against GitHub's published schemas (default: true). */
  readonly validate?: boolean;
  /** Where the bare repositories live (default: a new temporary directory, removed on close). */
  readonly dataDir?: string;
  readonly now?: () => Date;
}

/** A local GitHub: REST under /api/v3, GraphQL at /api/graphql, an admin interface under /_twin. */
export class Twin extends TwinCore {
  #server: Server | undefined;
  #ownsDataDir: boolean;

  private constructor(store: TwinStore, validate: boolean, ownsDataDir: boolean) {
    super(store, validate);
    this.#ownsDataDir = ownsDataDir;
  }

  static async create(options: TwinOptions = {}): Promise<Twin> {
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "github-twin-")));
    const store = new TwinStore(dataDir, options.now ?? (() => new Date()));
    return new Twin(store, options.validate ?? true, options.dataDir === undefined);
  }

  /** Starts listening (port 0: a free port) and returns the base URL, e.g. http://127.0.0.1:41234. */
  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    const server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const web = `http://${host}:${address.port}`;
    this.urls = { api: `${web}/api/v3`, web };
    return web;
  }

  get url(): string {
    return this.urls.web;
  }

  async close(): Promise<void> {
    await this.webhooks.settled();
    const server = this.#server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const repo of this.store.repos.values()) repo.git.close();
    if (this.#ownsDataDir) await rm(this.store.dataDir, { recursive: true, force: true });
  }

  /** Resolves once no request is in flight and no webhook is being delivered, for `quietMs` in a row. */
  async idle(quietMs = 25, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quietSince = Date.now();
    for (;;) {
      if (this.counters.inFlight > 0 || this.webhooks.pending > 0) quietSince = Date.now();
      if (Date.now() - quietSince >= quietMs) return;
      if (Date.now() > deadline) throw new Error("twin: still busy after the idle timeout");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.counters.inFlight += 1;
    this.counters.total += 1;
    this.counters.maxConcurrent = Math.max(this.counters.maxConcurrent, this.counters.inFlight);
    try {
      const url = new URL(request.url ?? "/", this.urls.web);
      const rawBody = await readBody(request);
      let answer: RestResponse;
      if (url.pathname === "/api/graphql" && request.method === "POST") {
        answer = await serveGraphql(this, request, rawBody);
      } else if (url.pathname.startsWith("/api/v3/") || url.pathname === "/api/v3") {
        const path = url.pathname.slice("/api/v3".length) || "/";
        answer = await serveRest(this, restHandlers, request, path, url.searchParams, rawBody);
      } else if (url.pathname.startsWith("/_twin/")) {
        answer = await serveAdmin(this, request.method ?? "GET", url.pathname, rawBody);
      } else {
        answer = errorBody(404, "Not Found");
      }
      send(response, answer);
    } catch (error) {
      this.violation(
        `twin crashed on ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`,
      );
      send(response, errorBody(500, "Server Error"));
    } finally {
      this.counters.inFlight -= 1;
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function send(response: ServerResponse, answer: RestResponse): void {
  const headers: Record<string, string> = {
    "x-github-media-type": "github.v3; format=json",
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-ratelimit-resource": "core",
    ...answer.headers,
  };
  if (answer.raw) {
    response.writeHead(answer.status, { ...headers, "content-type": answer.raw.contentType });
    response.end(answer.raw.data);
    return;
  }
  if (answer.status === 204 || answer.body === undefined) {
    response.writeHead(answer.status, headers);
    response.end();
    return;
  }
  response.writeHead(answer.status, { ...headers, "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(answer.body));
}
