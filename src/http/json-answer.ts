import type { ServerResponse } from "node:http";

/** Answers a request of the app's own endpoints with a JSON body that no cache keeps. */
export function answerJson(
  res: ServerResponse,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): true {
  const text = JSON.stringify(body);
  res
    .writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
      ...headers,
    })
    .end(text);
  return true;
}
