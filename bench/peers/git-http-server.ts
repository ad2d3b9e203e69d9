// Git's own smart HTTP server (`git http-backend`, a CGI program) behind a small Node HTTP server on
// 127.0.0.1, with the same delay added to every request as the GitHub twin adds to each API request.
// The peers of the benchmark clone, fetch and push through it with real git processes.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** The smart protocol's requests: the two advertisements and the two services. */
export type GitRequestKind =
  "info/refs upload-pack" | "info/refs receive-pack" | "upload-pack" | "receive-pack" | "other";

export interface GitHttpServerOptions {
  /** The folder holding the bare repositories (served as `<url>/<name>.git`). */
  readonly root: string;
  /** Added to every request before it is answered, as the twin's latency (ms). */
  readonly latencyMs: number;
  /** Awaited before a request is served, after the delay (tests: someone pushes in between). */
  readonly beforeRequest?: (kind: GitRequestKind) => Promise<void> | void;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Requests received so far, by kind. */
  readonly requests: Map<GitRequestKind, number>;
  /** All requests received so far. */
  total(): number;
  close(): Promise<void>;
}

export function requestKind(method: string, path: string, query: string): GitRequestKind {
  const service = new URLSearchParams(query).get("service");
  if (method === "GET" && path.endsWith("/info/refs")) {
    if (service === "git-upload-pack") return "info/refs upload-pack";
    if (service === "git-receive-pack") return "info/refs receive-pack";
  }
  if (method === "POST" && path.endsWith("/git-upload-pack")) return "upload-pack";
  if (method === "POST" && path.endsWith("/git-receive-pack")) return "receive-pack";
  return "other";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The CGI environment of one request (RFC 3875), as a web server gives it to git http-backend. */
function cgiEnvironment(request: IncomingMessage, root: string, path: string, query: string) {
  const env: Record<string, string> = {
    PATH: process.env["PATH"] ?? "/usr/bin:/bin",
    GIT_PROJECT_ROOT: root,
    GIT_HTTP_EXPORT_ALL: "1",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GATEWAY_INTERFACE: "CGI/1.1",
    SERVER_PROTOCOL: "HTTP/1.1",
    REQUEST_METHOD: request.method ?? "GET",
    PATH_INFO: decodeURIComponent(path),
    QUERY_STRING: query,
    REMOTE_ADDR: request.socket.remoteAddress ?? "127.0.0.1",
    // The pushing user, as an authenticating web server sets it (http-backend allows a push then).
    REMOTE_USER: "peer",
  };
  const header = (name: string) => request.headers[name];
  const contentType = header("content-type");
  if (typeof contentType === "string") env["CONTENT_TYPE"] = contentType;
  // Without a length (a chunked body), http-backend reads the body to its end.
  const contentLength = header("content-length");
  if (typeof contentLength === "string") env["CONTENT_LENGTH"] = contentLength;
  const encoding = header("content-encoding");
  if (typeof encoding === "string") env["HTTP_CONTENT_ENCODING"] = encoding;
  const protocol = header("git-protocol");
  if (typeof protocol === "string") env["HTTP_GIT_PROTOCOL"] = protocol;
  return env;
}

/** Runs http-backend for one request: the body to its stdin, its CGI answer (headers, body) back. */
function serveWithBackend(
  request: IncomingMessage,
  response: ServerResponse,
  env: Record<string, string>,
): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(GIT_HTTP_BACKEND, [], { env, stdio: ["pipe", "pipe", "pipe"] });
    request.pipe(child.stdin);
    child.stdin.on("error", () => undefined);
    let head = Buffer.alloc(0);
    let headersSent = false;
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      if (headersSent) {
        response.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      let status = 200;
      for (const line of head.subarray(0, end).toString("latin1").split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon < 0) continue;
        const [name, value] = [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
        if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
        else response.setHeader(name, value);
      }
      response.statusCode = status;
      headersSent = true;
      response.write(head.subarray(end + 4));
    });
    child.on("close", (code) => {
      if (!headersSent) {
        response.statusCode = 500;
        response.end(`git http-backend exited with ${code}: ${stderr}`);
      } else response.end();
      resolve();
    });
  });
}

export async function startGitHttpServer(options: GitHttpServerOptions): Promise<GitHttpServer> {
  if (!existsSync(GIT_HTTP_BACKEND))
    throw new Error(`${GIT_HTTP_BACKEND} is missing: the peer comparison needs git's http-backend`);
  const requests = new Map<GitRequestKind, number>();
  const server = createServer((request, response) => {
    const [path = "/", query = ""] = (request.url ?? "/").split("?", 2);
    const kind = requestKind(request.method ?? "GET", path, query);
    requests.set(kind, (requests.get(kind) ?? 0) + 1);
    // The body is read by http-backend after the delay; pause it so nothing is lost meanwhile.
    request.pause();
    void (async () => {
      await sleep(options.latencyMs);
      await options.beforeRequest?.(kind);
      await serveWithBackend(request, response, cgiEnvironment(request, options.root, path, query));
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  // Git keeps its connection open between the requests of one command.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    total: () => [...requests.values()].reduce((sum, count) => sum + count, 0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
