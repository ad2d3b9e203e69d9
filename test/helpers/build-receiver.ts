import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildBodySchema, signatureValid, SIGNATURE_HEADER, type ContractBuild } from "./build-contract.js";

/**
 * A stand-in for the bot's build and registry endpoints (the wire contract of #17), on 127.0.0.1:0:
 * it records every request and checks each one as the bot must. `POST /api/builds`: the HMAC-SHA256
 * signature of the raw body (401 `{"error":"unauthorized"}` and nothing else when it does not match),
 * then the body's fields (400 with field and fix), then 202 with an answer of ExternalBuilds' shape.
 * `POST /api/registry/harbor`: the Authorization header is the secret verbatim. `POST
 * /api/registry/dockerhub/<secret>`: the secret in the path. Anything else: 404.
 */
export interface BuildReceiver {
  /** The base URL, as a CI's GITOPS_IMAGE_BOT_URL (no trailing slash). */
  readonly url: string;
  readonly secrets: { readonly builds: string; readonly harbor: string; readonly dockerhub: string };
  /** Every request, in order. */
  readonly requests: readonly Received[];
  /** Builds whose signature and fields passed, in order. */
  readonly builds: readonly ContractBuild[];
  /** Registry pushes whose secret passed: the registry and the parsed JSON body. */
  readonly pushes: readonly { readonly registry: "harbor" | "dockerhub"; readonly body: unknown }[];
  /** The next `times` requests are answered `status` (5xx to test retries), or never (`"hang"`). */
  failNext(times: number, status: number | "hang"): void;
  close(): Promise<void>;
}

export interface Received {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly raw: Buffer;
  readonly status: number | "hang";
}

export const RECEIVER_SECRETS = {
  builds: "build-secret-0123456789abcdef",
  harbor: "harbor-secret-0123456789abcdef",
  dockerhub: "dockerhubsecret0123456789abcdef",
} as const;

const MAX_BODY = 64 * 1024;

export async function startBuildReceiver(): Promise<BuildReceiver> {
  const requests: Received[] = [];
  const builds: ContractBuild[] = [];
  const pushes: { registry: "harbor" | "dockerhub"; body: unknown }[] = [];
  const failures: (number | "hang")[] = [];

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    return status;
  };

  const handle = (req: IncomingMessage, raw: Buffer, res: ServerResponse): number | "hang" => {
    const failure = failures.shift();
    if (failure === "hang") return "hang";
    if (failure !== undefined) return answer(res, failure, { error: `failing on purpose (${failure})` });
    const path = req.url ?? "";
    if (req.method !== "POST") return answer(res, 405, { error: "use POST" });
    if (raw.length > MAX_BODY) return answer(res, 413, { error: "body too large" });
    if (path === "/api/builds") {
      const signature = req.headers[SIGNATURE_HEADER];
      if (
        !signatureValid(raw, typeof signature === "string" ? signature : undefined, [RECEIVER_SECRETS.builds])
      )
        return answer(res, 401, { error: "unauthorized" });
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        return answer(res, 400, { error: "the body is not JSON", field: "", fix: "send a JSON object" });
      }
      const parsed = buildBodySchema.safeParse(json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return answer(res, 400, {
          error: issue?.message ?? "invalid",
          field: issue?.path.join(".") ?? "",
          fix: "see the wire contract",
        });
      }
      builds.push(parsed.data);
      return answer(res, 202, {
        queued: [{ manifests: "acme/manifests", images: [`${parsed.data.image}:${parsed.data.tag}`] }],
        ignored: [{ manifests: "acme/other-manifests", reason: "no source of this repository allows it." }],
      });
    }
    if (path === "/api/registry/harbor") {
      if (req.headers.authorization !== RECEIVER_SECRETS.harbor)
        return answer(res, 401, { error: "unauthorized" });
      pushes.push({ registry: "harbor", body: JSON.parse(raw.toString("utf8")) });
      return answer(res, 202, { queued: [], ignored: [] });
    }
    if (path.startsWith("/api/registry/dockerhub/")) {
      if (path.slice("/api/registry/dockerhub/".length) !== RECEIVER_SECRETS.dockerhub)
        return answer(res, 401, { error: "unauthorized" });
      pushes.push({ registry: "dockerhub", body: JSON.parse(raw.toString("utf8")) });
      return answer(res, 202, { queued: [], ignored: [] });
    }
    return answer(res, 404, { error: "not found" });
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let status: number | "hang";
      try {
        status = handle(req, raw, res);
      } catch {
        status = answer(res, 400, { error: "the body is not JSON" });
      }
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, raw, status });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secrets: RECEIVER_SECRETS,
    requests,
    builds,
    pushes,
    failNext: (times, status) => failures.push(...Array.from({ length: times }, () => status)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
