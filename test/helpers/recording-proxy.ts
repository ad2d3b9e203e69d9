import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as a sender made it, and what it was answered. */
export interface Recorded {
  readonly method: string;
  /** The path as sent (a path secret included: the proxy is the sender's side of the wire). */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly raw: Buffer;
  /** The status the sender got, or "hang" when it got none. */
  readonly status: number | "hang";
  /** The body the sender got. */
  readonly answer: string;
}

export interface RecordingProxy {
  /** The base URL senders use (no trailing slash). */
  readonly url: string;
  /** Every request, in the order they were answered. */
  readonly requests: readonly Recorded[];
  /** The next `times` requests are answered `status` here, not forwarded (5xx to test retries), or never (`"hang"`). */
  failNext(times: number, status: number | "hang"): void;
  close(): Promise<void>;
}

/** What `upstream` answered: status, headers and the whole body. */
function forward(
  upstream: URL,
  req: IncomingMessage,
  raw: Buffer,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () =>
          resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }),
        );
        answer.on("error", reject);
      },
    );
    out.on("error", reject);
    out.end(raw);
  });
}

/**
 * An HTTP proxy on 127.0.0.1:0 in front of `upstream` (the bot): it forwards every request unchanged
 * (method, path, headers, raw body) and returns the upstream's real answer, recording both.
 */
export async function startRecordingProxy(upstream: string): Promise<RecordingProxy> {
  const target = new URL(upstream);
  const requests: Recorded[] = [];
  const failures: (number | "hang")[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      const record = (status: number | "hang", answer: string) =>
        requests.push({
          method: req.method ?? "",
          path: req.url ?? "",
          headers: req.headers,
          raw,
          status,
          answer,
        });
      const failure = failures.shift();
      if (failure === "hang") return record("hang", "");
      if (failure !== undefined) {
        const answer = JSON.stringify({ error: `failing on purpose (${failure})` });
        res.writeHead(failure, { "content-type": "application/json" }).end(answer);
        return record(failure, answer);
      }
      forward(target, req, raw).then(
        ({ status, headers, body }) => {
          // The body is sent whole: its framing is this server's, not the upstream's.
          const kept = Object.fromEntries(
            Object.entries(headers).filter(([name]) => name !== "transfer-encoding" && name !== "connection"),
          );
          res.writeHead(status, kept).end(body);
          record(status, body.toString("utf8"));
        },
        (error: unknown) => {
          const answer = JSON.stringify({ error: `proxy: ${String(error)}` });
          res.writeHead(502, { "content-type": "application/json" }).end(answer);
          record(502, answer);
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (times, status) => failures.push(...Array.from({ length: times }, () => status)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
