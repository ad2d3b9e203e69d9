// The standalone twin (`npm run twin`): its seed deploys a hand-sent build through the real app, and its
// admin interface checks every body.
import { createBot, type Bot } from "../../src/app.js";
import { parseConfig } from "../../src/config/index.js";
import { readFileSync } from "node:fs";
import { ADMIN_ROUTES } from "../../twin/admin.js";
import { startHarness, type Harness } from "../../twin/harness.js";
import { CONFIG_PATH, sendBuildRequest, standaloneRepos } from "../../twin/fixtures/standalone-seed.js";

const BOT = "gitops-image-bot[bot]";
let harness: Harness;
let bot: Bot;
let admin: string;

beforeAll(async () => {
  bot = createBot({ batchWindowMs: 150, scheduleTickMs: 0, warmUp: false });
  // The repositories `npm run twin` seeds (with five services, as it seeds five source repositories).
  harness = await startHarness({
    appFn: bot.appFn,
    repos: standaloneRepos({ services: 5 }),
    appIdle: bot.idle,
  });
  admin = harness.twin.urls.web;
});

afterAll(async () => {
  bot.stop();
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
});

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${admin}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function newTag(text: string | null): string | undefined {
  return text?.match(/newTag: "([^"]*)"/)?.[1];
}

test("the seeded configuration is valid and names every seeded source repository", async () => {
  const text = await harness.file("acme", "manifests", CONFIG_PATH);
  const parsed = parseConfig(text ?? "", CONFIG_PATH);
  expect(parsed.ok).toBe(true);
  for (const source of standaloneRepos({ services: 5 }).slice(1))
    expect(text).toContain(`acme/${source.name}`);
});

test("the printed build request deploys: a new commit of acme/web, its run, the webhook, the app's commit", async () => {
  const request = sendBuildRequest(admin, "acme", "web");
  const response = await fetch(request.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: request.body,
  });
  expect(response.status).toBe(201);
  const sent = (await response.json()) as {
    head_sha: string;
    head_branch: string;
    deliveries: Array<{ app_id: number; status: number }>;
  };
  expect(sent.head_branch).toBe("main");
  expect(sent.deliveries).toEqual([expect.objectContaining({ app_id: harness.app.id, status: 200 })]);
  const web = harness.repo("acme", "web");
  expect(await web.git.getRef("refs/heads/main")).toBe(sent.head_sha);
  const runs = [...web.workflowRuns.values()];
  expect(runs.map((run) => [run.headSha, run.status, run.conclusion])).toEqual([
    [sent.head_sha, "completed", "success"],
  ]);

  await harness.idle();
  const manifests = harness.repo("acme", "manifests");
  const head = await manifests.git.getRef("refs/heads/main");
  expect((await manifests.git.readCommit(head!))?.author.name).toBe(BOT);
  for (const env of ["dev", "qa"])
    expect(
      newTag(await harness.file("acme", "manifests", `apps/web/overlays/${env}/kustomization.yaml`)),
    ).toBe(sent.head_sha);
  // prod goes through a pull request; another service is untouched.
  const pulls = [...manifests.issues.values()].filter((issue) => issue.pull && issue.state === "open");
  expect(pulls).toHaveLength(1);
  expect(
    newTag(await harness.file("acme", "manifests", "apps/api/overlays/dev/kustomization.yaml")),
  ).not.toBe(sent.head_sha);
});

test("a build of a given SHA on another branch is recorded as such", async () => {
  const api = harness.repo("acme", "api");
  const sha = await harness.twin.store.commitFiles(
    api,
    "feature",
    [{ path: "a", content: "a\n" }],
    "feature",
  );
  const { status, body } = await post("/_twin/workflow-runs", {
    owner: "acme",
    repo: "api",
    headSha: sha,
    branch: "feature",
    conclusion: "failure",
  });
  expect(status).toBe(201);
  expect(body).toMatchObject({ head_sha: sha, head_branch: "feature" });
  expect([...api.workflowRuns.values()].map((run) => [run.headBranch, run.conclusion])).toEqual([
    ["feature", "failure"],
  ]);
  await harness.idle();
});

describe("admin bodies are checked: a 400 names the field", () => {
  test.each<[string, unknown, string]>([
    ["/_twin/workflow-runs", { owner: "acme" }, "POST /_twin/workflow-runs: `repo`: is required"],
    [
      "/_twin/workflow-runs",
      { owner: "acme", repo: "web", headSha: "abc" },
      "POST /_twin/workflow-runs: `headSha`: a full commit SHA (40 lowercase hex digits)",
    ],
    [
      "/_twin/workflow-runs",
      { owner: "acme", repo: "web", sha: "x" },
      "POST /_twin/workflow-runs: unknown field sha",
    ],
    [
      "/_twin/repos",
      { owner: "acme", name: "x", files: [{ path: "a", content: 1 }] },
      "POST /_twin/repos: `files.0.content`: Invalid input: expected string, received number",
    ],
    [
      "/_twin/installations",
      { appId: "4242", account: "acme" },
      "POST /_twin/installations: `appId`: Invalid input: expected number, received string",
    ],
    [
      "/_twin/faults",
      { latency: { "*": -1 } },
      "POST /_twin/faults: `latency.*`: Too small: expected number to be >=0",
    ],
    ["/_twin/apps", "{not json", "POST /_twin/apps: the body is not JSON"],
    ["/_twin/webhooks", [], "POST /_twin/webhooks: `body`: Invalid input: expected object, received array"],
  ])("POST %s %j", async (path, body, message) => {
    expect(await post(path, body)).toEqual({ status: 400, body: { message } });
  });

  test("an unknown repository or app is a 404, a key that is no PEM a 400", async () => {
    expect(await post("/_twin/workflow-runs", { owner: "acme", repo: "nope" })).toEqual({
      status: 404,
      body: { message: "no repository acme/nope" },
    });
    expect(await post("/_twin/webhooks", { appId: 1, event: "ping", payload: {} })).toEqual({
      status: 404,
      body: { message: "no app 1" },
    });
    expect(await post("/_twin/apps", { slug: "x", publicKeyPem: "nope" })).toEqual({
      status: 400,
      body: { message: "POST /_twin/apps: `publicKeyPem`: not a PEM public key" },
    });
    expect(
      await post("/_twin/workflow-runs", { owner: "acme", repo: "web", headSha: "0".repeat(40) }),
    ).toEqual({ status: 422, body: { message: `no commit ${"0".repeat(40)} in acme/web` } });
  });
});

test("docs/twin.md documents every admin route, and an unknown one is a 404", async () => {
  const doc = readFileSync("docs/twin.md", "utf8");
  expect(ADMIN_ROUTES.length).toBeGreaterThanOrEqual(11);
  for (const route of ADMIN_ROUTES) expect(doc).toContain(`| \`${route}\``);
  const response = await fetch(`${admin}/_twin/nope`);
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ message: "The twin's admin interface has no GET /_twin/nope" });
  const counters = await fetch(`${admin}/_twin/counters`);
  expect(await counters.json()).toMatchObject({ total: expect.any(Number), byRoute: expect.any(Object) });
});
