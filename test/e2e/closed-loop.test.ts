// The closed loop (#16) through both twins: the real Probot server, the GitHub twin and the Argo CD twin.
// Nothing calls `bot.observe`: every observation reaches the app as Argo CD Notifications sends it (the
// twin renders the project's deploy/argocd/argocd-notifications-cm.yaml and posts it to /api/argocd), or
// through the reconciliation pass's read of the Argo CD twin's API. Each lifecycle step is checked where
// people look: the deployment and the `gitops-image-bot/<env>` status on the source commit, the gate's
// check run on the prod pull request, the state file and the dashboard of acme/manifests.
import { execFileSync } from "node:child_process";
import { parse } from "yaml";
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import type { ArgocdSettings } from "../../src/feedback/argocd-feedback.js";
import { STATE_PATH } from "../../src/state/state-file.js";
import type { Application } from "../../twin/argocd/application.js";
import type { ArgoCdTwin } from "../../twin/argocd/argocd-twin.js";
import { startArgoCdTwin } from "../../twin/argocd/harness.js";
import { freePort } from "../../twin/harness.js";
import type { CheckRunRecord } from "../../twin/state.js";
import {
  closeExpectingNoViolations,
  DEV,
  OLD,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  type BotHarness,
} from "./bot-harness.js";

const SECRET = "argocd-notifications-0123456789";
const ARGO_UI = "https://argocd.example.com";
const GATE = "gitops-image-bot/gate";
const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";
const MINUTE = 60_000;

const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    onDegraded: hold
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: auto-merge
    branches: [main]
    after: { environment: dev, healthyFor: 10m }
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web
`;

let bot: BotHarness;
let argocd: ArgoCdTwin;
/** How far both twins' and the app's clock is ahead of the real one: the gate's soak passes by moving it. */
let offset = 0;
const now = (): number => Date.now() + offset;

const TOKEN = "argocd-read-only-token-0123";

/**
 * The app, the GitHub twin with acme/manifests and acme/web, and the Argo CD twin with web-dev and
 * web-prod Healthy at the old tag. Argo CD's word reaches the app by Notifications (posted to the app's
 * /api/argocd with the secret), or by the reconciliation pass reading the Argo CD twin's API
 * (ARGOCD_SERVER, ARGOCD_TOKEN), never both.
 */
async function start(via: "notifications" | "api"): Promise<void> {
  offset = 0;
  const port = await freePort();
  const settings: ArgocdSettings =
    via === "notifications"
      ? { webhookSecret: SECRET, server: "", token: "" }
      : { webhookSecret: "", server: `http://127.0.0.1:${port}`, token: TOKEN };
  bot = await startBot(
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: "apps/web/base/kustomization.yaml", content: "resources:\n  - deployment.yaml\n" },
          { path: "apps/web/base/deployment.yaml", content: DEPLOYMENT },
          { path: DEV, content: overlay("ghcr.io/acme/web", OLD) },
          { path: PROD, content: overlay("ghcr.io/acme/web", OLD) },
        ],
      },
      sourceRepo("web"),
    ],
    // The gate looks at the clock often: a soak's end shows within a tick, whatever the machine's speed.
    { contentPerMinute: 80, now, gateTickMs: 50, argocd: settings },
  );
  argocd = await startArgoCdTwin(bot.twin, {
    port,
    token: TOKEN,
    // Only `reconcile()`/`waitFor` move the applications: each step is seen before the next one starts.
    pollMs: 0,
    syncDelayMs: 50,
    healthDelayMs: 50,
    now: () => new Date(now()),
    repoUrlBase: bot.twin.urls.web,
    ...(via === "notifications"
      ? {
          notifications: {
            webhookUrl: `${new URL(bot.webhookUrl).origin}/api/argocd`,
            secrets: { "gitops-image-bot-secret": SECRET },
            context: { argocdUrl: ARGO_UI },
            retryWaitMs: { min: 5, max: 20 },
          },
        }
      : {}),
  });
  for (const environment of ["dev", "prod"])
    argocd.createApplication({
      name: `web-${environment}`,
      repo: "acme/manifests",
      // As most Argo CD applications name it, and as the app asks Argo CD's API for it.
      repoURL: `${bot.twin.urls.web}/acme/manifests.git`,
      path: `apps/web/overlays/${environment}`,
      targetRevision: "main",
    });
  await synced("web-dev", OLD);
  await synced("web-prod", OLD);
}

afterEach(async () => {
  await argocd?.close();
  expect(argocd?.violations ?? []).toEqual([]);
  expect(argocd?.notifications?.errors ?? []).toEqual([]);
  await closeExpectingNoViolations(bot);
});

/** Waits until the notifications the twin started are answered and the app has done what they started. */
async function settle(): Promise<void> {
  await argocd.notifications?.settled();
  await bot.idle();
}

/** Moves the Argo CD twin until `application` is Synced and Healthy (or Degraded) with `tag` running. */
async function synced(
  application: string,
  tag: string,
  health: "Healthy" | "Degraded" = "Healthy",
): Promise<Application> {
  const app = await argocd.waitFor(
    application,
    (one) =>
      one.status.sync.status === "Synced" &&
      one.status.health.status === health &&
      (one.status.summary.images ?? []).includes(`ghcr.io/acme/web:${tag}`),
  );
  await settle();
  return app;
}

async function build(): Promise<string> {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  return sha;
}

interface Step {
  readonly state: string;
  readonly description: string;
}

/** The deployment of `sha` to `environment` on acme/web: created once, updated in place. */
function deployment(sha: string, environment: string) {
  const found = [...bot.repo("acme", "web").deployments.values()].filter(
    (one) => one.sha === sha && one.environment === environment,
  );
  if (found.length !== 1)
    throw new Error(`expected one deployment of ${sha} to ${environment} on acme/web, found ${found.length}`);
  return found[0]!;
}

function latest(sha: string, environment: string): Step | undefined {
  const status = deployment(sha, environment).statuses.at(-1);
  return status && { state: status.state, description: status.description };
}

function commitStatus(sha: string, environment: string) {
  const status = bot
    .repo("acme", "web")
    .statuses.filter((one) => one.sha === sha && one.context === `gitops-image-bot/${environment}`)
    .at(-1);
  return status && { state: status.state, description: status.description, url: status.targetUrl };
}

/**
 * Waits, bounded, until `done` holds for what `read` sees (each look after the app is idle); fails
 * naming the step and what was seen last.
 */
async function until<T>(
  step: string,
  read: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await settle();
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${step}: did not happen in ${timeoutMs / 1000}s; last seen ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function mainHead(): Promise<string> {
  return (await bot.repo("acme", "manifests").git.getRef("refs/heads/main"))!;
}

function prodPull() {
  const pulls = [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => issue.pull?.headRef === BRANCH && issue.state === "open",
  );
  if (pulls.length !== 1) throw new Error(`expected one open prod pull request, found ${pulls.length}`);
  return pulls[0]!;
}

async function gate(): Promise<CheckRunRecord | undefined> {
  const head = await bot.repo("acme", "manifests").git.getRef(`refs/heads/${BRANCH}`);
  return [...bot.repo("acme", "manifests").checkRuns.values()]
    .filter((run) => run.name === GATE && run.headSha === head)
    .at(-1);
}

const gateView = (run: CheckRunRecord | undefined) =>
  run && { status: run.status, conclusion: run.conclusion, title: run.output.title };

beforeAll(() => {
  // The Argo CD twin renders the overlays with `kubectl kustomize`, as Argo CD's repo server does.
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
  } catch {
    throw new Error("the Argo CD twin needs kubectl (it renders with `kubectl kustomize`): install it");
  }
});

describe("the closed loop through the GitHub twin and the Argo CD twin", () => {
  test("commit environment: in_progress waiting for Argo CD, then success when Argo CD's notification says Synced and Healthy", async () => {
    await start("notifications");
    const sha = await build();
    const onMain = `on main at ${(await mainHead()).slice(0, 7)}, waiting for Argo CD`;
    expect(latest(sha, "dev")).toEqual({ state: "in_progress", description: onMain });
    expect(commitStatus(sha, "dev")).toMatchObject({ state: "pending", description: onMain });

    // Argo CD takes 90 seconds (by both clocks) to sync and see the pods come up.
    offset += 90_000;
    await synced("web-dev", sha);
    const success = await until(
      "dev's deployment success after Argo CD's notification",
      () => latest(sha, "dev"),
      (step) => step?.state === "success",
    );
    // Argo CD's times are whole seconds: 1m29s or 1m30s, a few more on a slow machine.
    expect(success?.description).toMatch(/^Synced and Healthy in 1m(29|[3-5]\d)s$/);
    const status = deployment(sha, "dev").statuses.at(-1)!;
    expect(status.environmentUrl).toBe(`${ARGO_UI}/applications/argocd/web-dev`);
    expect(status.logUrl).toBe(`${ARGO_UI}/applications/argocd/web-dev`);
    expect(commitStatus(sha, "dev")).toEqual({
      state: "success",
      description: success?.description,
      url: `${ARGO_UI}/applications/argocd/web-dev`,
    });
    // Argo CD's word came by notification, rendered from the shipped template, with the secret.
    const sent = argocd.notifications!.sent.filter(
      (one) => one.application === "web-dev" && one.body.includes(sha),
    );
    expect(sent.map((one) => [one.trigger, one.ok])).toEqual([["on-gitops-image-bot-deployed", true]]);
    expect(sent[0]!.headers["X-Gitops-Image-Bot-Secret"]).toBe(SECRET);
    // Nothing ran in prod: its deployment waits in the gated pull request.
    expect(latest(sha, "prod")?.state).toBe("pending");
  });

  test("pull-request environment: pending, the gate waits for 10 Healthy minutes in dev, the app merges, in_progress, success", async () => {
    await start("notifications");
    const sha = await build();
    const number = prodPull().number;
    expect(latest(sha, "prod")).toEqual({
      state: "pending",
      description: expect.stringContaining(`proposed in acme/manifests#${number}`),
    });
    expect(gateView(await gate())).toEqual({
      status: "in_progress",
      conclusion: null,
      title: `waiting for ${sha} to run in dev`,
    });

    await synced("web-dev", sha);
    await until(
      "the gate counts dev's Healthy minutes",
      async () => gateView(await gate()),
      (run) => run?.title === "dev has been Healthy for 0 of 10 minutes",
    );
    offset = 4 * MINUTE;
    const waiting = await until(
      "the gate moves to 4 of 10 minutes",
      async () => gateView(await gate()),
      (run) => run?.title === "dev has been Healthy for 4 of 10 minutes",
    );
    expect(waiting?.status).toBe("in_progress");
    expect(prodPull().pull!.merged).toBe(false);
    expect(await bot.deployed(PROD)).toBe(OLD);

    offset = 11 * MINUTE;
    await until(
      "the app merges the prod pull request once the gate passes",
      () => bot.repo("acme", "manifests").issues.get(number)?.pull?.merged,
      (merged) => merged === true,
    );
    const merged = bot.repo("acme", "manifests").issues.get(number)!;
    const passed = [...bot.repo("acme", "manifests").checkRuns.values()]
      .filter((run) => run.name === GATE && run.headSha === merged.pull!.headSha)
      .at(-1);
    expect(gateView(passed)).toEqual({
      status: "completed",
      conclusion: "success",
      title: "Healthy in dev for 10 minutes",
    });
    expect(await bot.deployed(PROD)).toBe(sha);
    const onMain = `on main at ${(await mainHead()).slice(0, 7)}, waiting for Argo CD`;
    await until(
      "prod's deployment in_progress once merged",
      () => latest(sha, "prod"),
      (step) => step?.state === "in_progress",
    );
    expect(latest(sha, "prod")).toEqual({ state: "in_progress", description: onMain });

    offset += 45_000;
    await synced("web-prod", sha);
    const success = await until(
      "prod's deployment success after Argo CD's notification",
      () => latest(sha, "prod"),
      (step) => step?.state === "success",
    );
    expect(success?.description).toMatch(/^Synced and Healthy in (4[4-9]s|5\ds|\dm\d\ds)$/);
    expect(deployment(sha, "prod").statuses.at(-1)!.environmentUrl).toBe(
      `${ARGO_UI}/applications/argocd/web-prod`,
    );
    expect(commitStatus(sha, "prod")?.state).toBe("success");
    expect(deployment(sha, "prod").statuses.map((one) => one.state)).toEqual(
      expect.arrayContaining(["pending", "in_progress", "success"]),
    );
  });

  test("a bad build goes Degraded in dev: failure with Argo CD's message, held (onDegraded: hold), the next build not deployed to dev", async () => {
    await start("notifications");
    const good = await build();
    await synced("web-dev", good);
    const bad = await bot.commitSource("web");
    argocd.markBad(`ghcr.io/acme/web:${bad}`);
    await bot.send("workflow_run", bot.workflowRun("web", bad));
    await bot.idle();
    expect(await bot.deployed(DEV)).toBe(bad);

    await synced("web-dev", bad, "Degraded");
    const failure = await until(
      "dev's deployment failure after Argo CD's degraded notification",
      () => latest(bad, "dev"),
      (step) => step?.state === "failure",
    );
    expect(failure).toEqual({
      state: "failure",
      description: 'Degraded: Deployment "web" exceeded its progress deadline',
    });
    expect(commitStatus(bad, "dev")).toMatchObject({ state: "failure", description: failure?.description });
    const state = await until(
      "the hold written to the state file",
      async () =>
        parse((await bot.file("acme", "manifests", STATE_PATH)) ?? "{}") as {
          holds?: Record<string, Record<string, { tag?: string; by?: string; reason?: string }>>;
        },
      (file) => file.holds?.["dev"]?.["ghcr.io/acme/web"] !== undefined,
    );
    expect(state.holds?.["dev"]?.["ghcr.io/acme/web"]).toMatchObject({
      by: "gitops-image-bot",
      tag: bad,
      reason: 'Degraded: Deployment "web" exceeded its progress deadline',
    });
    // The gate of the bad build's prod pull request fails with Argo CD's message.
    expect(gateView(await gate())).toMatchObject({
      status: "completed",
      conclusion: "failure",
      title: 'Degraded in dev: Deployment "web" exceeded its progress deadline',
    });

    const next = await build();
    expect(await bot.deployed(DEV)).toBe(bad); // held: the next build is not deployed to dev
    expect(commitStatus(next, "dev")?.state).not.toBe("success");
  });

  test("Argo CD's API instead of notifications: one request per reconciliation pass moves the deployment to success", async () => {
    await start("api");
    const sha = await build();
    expect(latest(sha, "dev")?.state).toBe("in_progress");
    offset += 120_000;
    await synced("web-dev", sha);
    // Argo CD is Healthy, but the app has not asked yet: nothing moved.
    expect(latest(sha, "dev")?.state).toBe("in_progress");

    const before = argocd.requests.total;
    await bot.reconcile();
    expect(argocd.requests.total - before).toBe(1);
    expect(argocd.requests.byRoute.get("GET /api/v1/applications")).toBe(1);
    const success = latest(sha, "dev");
    expect(success?.state).toBe("success");
    expect(success?.description).toMatch(/^Synced and Healthy in (1m59s|2m[0-5]\ds)$/);
    expect(deployment(sha, "dev").statuses.at(-1)!.environmentUrl).toBe(
      `${argocd.url}/applications/argocd/web-dev`,
    );
    expect(commitStatus(sha, "dev")?.state).toBe("success");
  });

  test("Argo CD unreachable: the pass says so on the dashboard and the deployment stays in_progress", async () => {
    await start("api");
    const sha = await build();
    // Argo CD did run it, but the app cannot ask: it must not claim what it did not observe.
    await synced("web-dev", sha);
    const server = argocd.url;
    await argocd.close();
    await bot.reconcile();

    const dashboard = [...bot.repo("acme", "manifests").issues.values()].find(
      (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
    );
    // The dashboard breaks links in what it quotes (http:\u200b//): the error names the server's port.
    expect(dashboard?.body).toMatch(
      new RegExp(
        `Last error \\(.*\\): Argo CD at .*:${new URL(server).port} could not be read: .*ECONNREFUSED`,
      ),
    );
    expect(latest(sha, "dev")).toEqual({
      state: "in_progress",
      description: expect.stringContaining("waiting for Argo CD"),
    });
    expect(commitStatus(sha, "dev")?.state).toBe("pending");
  });
});
