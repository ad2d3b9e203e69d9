// Argo CD feedback in (#16), through the real Probot server and the GitHub twin: notifications posted to
// /api/argocd as Argo CD Notifications sends them (the shipped template, rendered), and the reconciliation
// pass reading Argo CD's API from a local server that answers as Argo CD does. What reaches the feedback
// pipeline is seen through `onObserved`.
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EnvironmentObservation } from "../../src/core/feedback/observation.js";
import type { ArgocdSettings } from "../../src/feedback/argocd-feedback.js";
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import { freePort } from "../../twin/harness.js";
import { renderProjectWebhookBody } from "../../twin/argocd/notifications.js";
import {
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const SECRET = "argocd-notifications-0123456789";
const ROTATED = "argocd-notifications-rotated-987";
const TOKEN = "argocd-read-only-token";

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/argocd/application-list.json", import.meta.url), "utf8"),
) as { items: Application[] };

interface Application {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { source?: { repoURL: string; path?: string }; sources?: { repoURL: string; path?: string }[] };
  [key: string]: unknown;
}

let bot: BotHarness;
let observed: EnvironmentObservation[];
const servers: Server[] = [];

async function start(argocd: ArgocdSettings): Promise<void> {
  observed = [];
  bot = await startBot([webManifests(), sourceRepo("web")], {
    argocd,
    onObserved: async (one) => {
      observed.push(one);
    },
  });
}

afterEach(async () => {
  await closeExpectingNoViolations(bot);
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const twinWeb = (): string => bot.twin.urls.web;
const twinHost = (): string => new URL(twinWeb()).host;

/** An application of the fixture, renamed and pointed at `repoURL` and `path`. */
function application(name: string, repoURL: string, path: string | undefined, base = 0): Application {
  const app = structuredClone(fixture.items[base]!);
  app.metadata.name = name;
  app.spec.source = { ...app.spec.source!, repoURL, ...(path === undefined ? {} : { path }) };
  return app;
}

/** The body Argo CD Notifications sends for `app` with the shipped template. */
function notification(app: Application): string {
  return renderProjectWebhookBody({ app, context: { argocdUrl: "https://argocd.example.com" } });
}

async function post(
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  const response = await fetch(`${new URL(bot.webhookUrl).origin}/api/argocd`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  return { status: response.status, body: await response.text() };
}

const basic = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
});

function placed(): { environment: string; application: string; via: string }[] {
  return observed.map((one) => ({
    environment: one.environment,
    application: one.observation.application,
    via: one.observation.via,
  }));
}

describe("POST /api/argocd (Argo CD Notifications)", () => {
  test("without ARGOCD_WEBHOOK_SECRET the endpoint is off: 404, whatever is sent", async () => {
    await start({ webhookSecret: "" });
    const dev = application("web-dev", `${twinWeb()}/acme/manifests.git`, "apps/web/overlays/dev");
    expect((await post(notification(dev), { "x-gitops-image-bot-secret": SECRET })).status).toBe(404);
    await bot.idle();
    expect(observed).toEqual([]);
  });

  test("a missing or wrong secret gets 401 and changes nothing", async () => {
    await start({ webhookSecret: `${SECRET},${ROTATED}` });
    const body = notification(
      application("web-dev", `${twinWeb()}/acme/manifests.git`, "apps/web/overlays/dev"),
    );
    const answers = [
      await post(body),
      await post(body, { "x-gitops-image-bot-secret": "argocd-notifications-wrong-000" }),
      await post(body, { "x-gitops-image-bot-secret": `${SECRET},${ROTATED}` }),
      await post(body, basic("argocd", "argocd-notifications-wrong-000")),
      await post(body, basic(SECRET, "")),
      await post(body, { authorization: `Bearer ${SECRET}` }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 401]);
    await bot.idle();
    expect(observed).toEqual([]);
  });

  test("with the secret header or Basic auth, 202 and an observation for the application's environment", async () => {
    await start({ webhookSecret: `${SECRET}, ${ROTATED}` });
    const dev = application("web-dev", `${twinWeb()}/acme/manifests.git`, "apps/web/overlays/dev");
    const prod = application(
      "web-prod",
      `ssh://git@${twinHost()}/ACME/manifests.git`,
      "apps/web/overlays/prod",
      1,
    );
    expect((await post(notification(dev), { "x-gitops-image-bot-secret": SECRET })).status).toBe(202);
    // Basic auth as the webhook service's `basicAuth` sends it, with the rotated secret as password.
    expect((await post(notification(prod), basic("argocd", ROTATED))).status).toBe(202);
    await bot.idle();
    expect(placed()).toEqual([
      { environment: "dev", application: "web-dev", via: "notification" },
      { environment: "prod", application: "web-prod", via: "notification" },
    ]);
    expect(observed[0]).toMatchObject({
      installationId: bot.installation.id,
      manifests: { owner: "acme", name: "manifests" },
      observation: {
        revision: "3f2a9c1d7e6b5a4f3e2d1c0b9a8f7e6d5c4b3a29",
        syncStatus: "Synced",
        healthStatus: "Healthy",
        url: "https://argocd.example.com/applications/argocd/web-dev",
      },
    });
    expect(observed[1]?.observation).toMatchObject({
      healthStatus: "Degraded",
      healthMessage: 'Deployment "web" exceeded its progress deadline',
    });
  });

  test("a malformed body is answered 400 with the reason, and the app goes on", async () => {
    await start({ webhookSecret: SECRET });
    const auth = { "x-gitops-image-bot-secret": SECRET };
    const notJson = await post("{ this is not json", auth);
    expect(notJson).toEqual({ status: 400, body: JSON.stringify({ error: "the body is not JSON" }) });
    const wrongShape = await post(JSON.stringify({ application: 42, healthStatus: "Healthy" }), auth);
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body).toContain("application:");
    const tooLarge = await post(
      JSON.stringify({ application: "x", labels: { big: "x".repeat(1024 * 1024) } }),
      auth,
    );
    expect(tooLarge.status).toBe(413);
    const dev = application("web-dev", `${twinWeb()}/acme/manifests.git`, "apps/web/overlays/dev");
    expect((await post(notification(dev), auth)).status).toBe(202);
    await bot.idle();
    expect(placed()).toEqual([{ environment: "dev", application: "web-dev", via: "notification" }]);
  });

  test("an unknown application, a repository the app is not installed on, or another host's: 202 and ignored", async () => {
    await start({ webhookSecret: SECRET });
    const auth = { "x-gitops-image-bot-secret": SECRET };
    const apps = [
      application("web-base", `${twinWeb()}/acme/manifests.git`, "apps/web/base"),
      application("elsewhere-dev", `${twinWeb()}/acme/elsewhere.git`, "apps/web/overlays/dev"),
      application("gitlab-dev", "https://gitlab.com/acme/manifests.git", "apps/web/overlays/dev"),
      application("source-dev", `${twinWeb()}/acme/web.git`, "apps/web/overlays/dev"),
    ];
    for (const app of apps) expect((await post(notification(app), auth)).status).toBe(202);
    await bot.idle();
    expect(observed).toEqual([]);
  });
});

/** A local server that answers `GET /api/v1/applications` as Argo CD does, recording each request. */
async function argocd(
  answer: (req: IncomingMessage) => { status: number; body: unknown },
): Promise<{ url: string; requests: { url: string; authorization: string | undefined }[] }> {
  const requests: { url: string; authorization: string | undefined }[] = [];
  const server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", authorization: req.headers.authorization });
    const { status, body } = answer(req);
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

function dashboardText(): string {
  const issue = [...bot.repo("acme", "manifests").issues.values()].find(
    (one) => !one.pull && one.title === DASHBOARD_TITLE,
  );
  return issue?.body ?? "";
}

describe("the reconciliation pass reads Argo CD's API (ARGOCD_SERVER, ARGOCD_TOKEN)", () => {
  test("one request for the manifests repository, with the token; each application placed", async () => {
    const server = await argocd((req) => {
      const repo = new URL(req.url ?? "/", "http://x").searchParams.get("repo");
      const items = fixture.items.map((item) => structuredClone(item));
      items[0]!.spec.source!.repoURL = `${twinWeb()}/acme/manifests.git`;
      items[1]!.spec.source!.repoURL = `ssh://git@${twinHost()}/acme/manifests.git`;
      items[2]!.spec.sources![1]!.repoURL = `${twinWeb()}/acme/manifests.git`;
      return { status: 200, body: { metadata: {}, items: repo ? items : [] } };
    });
    await start({ server: `${server.url}/`, token: TOKEN });
    const pass = await bot.reconcile();
    expect(pass.kind === "done" && pass.results.map((result) => result.result)).toEqual(["complete"]);
    expect(server.requests).toEqual([
      {
        url: `/api/v1/applications?repo=${encodeURIComponent(`${twinWeb()}/acme/manifests.git`)}`,
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
    // payments-staging takes only Helm values from the repository (no path, no argocd key): no environment.
    expect(placed()).toEqual([
      { environment: "dev", application: "web-dev", via: "api" },
      { environment: "prod", application: "web-prod", via: "api" },
    ]);
    expect(observed[0]?.observation.url).toBe(`${server.url}/applications/argocd/web-dev`);
    expect(dashboardText()).not.toContain("Argo CD at");
  });

  test.each([
    ["unreachable", "connect", async () => `http://127.0.0.1:${await freePort()}`],
    [
      "refusing the token",
      "401",
      async () => (await argocd(() => ({ status: 401, body: { error: "invalid session" } }))).url,
    ],
    ["failing", "answered 503", async () => (await argocd(() => ({ status: 503, body: {} }))).url],
  ])("Argo CD %s: the dashboard says so and nothing is observed", async (_name, says, url) => {
    const server = await url();
    await start({ server, token: TOKEN });
    await bot.reconcile();
    const text = dashboardText();
    expect(text).toContain("could not be read");
    expect(text).toContain(says);
    expect(text).toContain(new URL(server).port);
    expect(observed).toEqual([]);
  });
});
