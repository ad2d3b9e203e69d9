// /api/argocd and /api/alertmanager through a real HTTP server: the same secret rules for both (off
// without a secret, 503 with a weak one, 401 without the right one), and nothing secret in their logs.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ALERTMANAGER_PATH, alertmanagerHandler } from "../../src/http/alertmanager-route.js";
import { ARGOCD_PATH, argocdHandler, webhookSecrets } from "../../src/http/argocd-route.js";

const SECRET = "s3cret-0123456789abcdef0123456789";
const BODY_MARK = "body-marker-7f3a";

interface Logged {
  readonly level: string;
  readonly text: string;
}

function recorder(): {
  log: Record<"info" | "warn" | "error" | "debug", (o: object, m: string) => void>;
  lines: Logged[];
} {
  const lines: Logged[] = [];
  const at = (level: string) => (object: object, message: string) =>
    void lines.push({ level, text: `${JSON.stringify(object)} ${message}` });
  return { lines, log: { info: at("info"), warn: at("warn"), error: at("error"), debug: at("debug") } };
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

function routes(secret: string | undefined, log: ReturnType<typeof recorder>["log"]): Handler[] {
  return [
    argocdHandler({ secrets: webhookSecrets(secret), accept: () => undefined, now: Date.now, log }),
    alertmanagerHandler({ secrets: secret, log, receive: () => undefined }),
  ];
}

async function serve(handlers: Handler[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void (async () => {
      for (const handler of handlers) if (await handler(req, res)) return;
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function post(url: string, headers: Record<string, string>, body = `{"mark":"${BODY_MARK}"}`) {
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, text: await response.text() };
}

const PATHS = [
  [ARGOCD_PATH, "ARGOCD_WEBHOOK_SECRET"],
  [ALERTMANAGER_PATH, "ALERTMANAGER_WEBHOOK_SECRET"],
] as const;

describe.each(PATHS)("%s", (path, variable) => {
  let running: { server: Server; url: string } | undefined;
  afterEach(async () => {
    await new Promise((resolve) => running?.server.close(resolve));
    running = undefined;
  });

  test("without a secret: off (404)", async () => {
    running = await serve(routes(undefined, recorder().log));
    const answer = await post(`${running.url}${path}`, { authorization: `Bearer ${SECRET}` });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain(variable);
  });

  test("with a weak secret: 503 with the reason (the variable, never the value), whatever is sent", async () => {
    running = await serve(routes("too-short", recorder().log));
    for (const authorization of [
      "Bearer too-short",
      `Basic ${Buffer.from("a:too-short").toString("base64")}`,
    ]) {
      const answer = await post(`${running.url}${path}`, {
        authorization,
        "x-gitops-image-bot-secret": "too-short",
      });
      expect(answer.status).toBe(503);
      expect(answer.text).toContain(`${variable} is only 9 characters long`);
      expect(answer.text).not.toContain("too-short");
    }
  });

  test("a wrong secret: 401, and neither the offered secret nor the body is logged", async () => {
    const { log, lines } = recorder();
    running = await serve(routes(SECRET, log));
    const wrong = `${SECRET}-wrong`;
    const answer = await post(`${running.url}${path}`, {
      authorization: `Basic ${Buffer.from(`u:${wrong}`).toString("base64")}`,
      "x-gitops-image-bot-secret": wrong,
    });
    expect(answer.status).toBe(401);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line.text).not.toContain(SECRET);
      expect(line.text).not.toContain(BODY_MARK);
    }
  });

  test("the right secret and a body that is not the sender's: 400; the body is not logged at info", async () => {
    const { log, lines } = recorder();
    running = await serve(routes(SECRET, log));
    const headers: Record<string, string> =
      path === ARGOCD_PATH ? { "x-gitops-image-bot-secret": SECRET } : { authorization: `Bearer ${SECRET}` };
    const answer = await post(`${running.url}${path}`, headers);
    expect(answer.status).toBe(400);
    for (const line of lines) {
      expect(line.text).not.toContain(SECRET);
      if (line.level === "info") expect(line.text).not.toContain(BODY_MARK);
    }
  });
});
