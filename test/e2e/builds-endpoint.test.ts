// POST /api/builds (#17), through the real Probot server and the GitHub twin: builds signed as a Jenkins
// pipeline or a GitLab CI job signs them (`openssl dgst -sha256 -hmac`, i.e. HMAC-SHA256 of the raw
// body), and what they leave in the manifests repository, its pull requests and the source's statuses.
import { createHmac } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "probot";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { Metrics, type ObservableOctokit } from "../../src/metrics/metrics.js";
import { examplePayload } from "../../twin/examples.js";
import { closeExpectingNoViolations, overlay, sourceRepo, startBot, type BotHarness } from "./bot-harness.js";

const SECRET = "jenkins-builds-0123456789abcdef";
const ROTATED = "jenkins-builds-rotated-fedcba987";
const VARIABLE = "BUILDS_WEBHOOK_SECRET";
const HARBOR = "harbor.example.com/acme/web";
const GITLAB_IMAGE = "registry.example.com/payments/api";
const DEV = "apps/web/overlays/dev/kustomization.yaml";
const PROD = "apps/web/overlays/prod/kustomization.yaml";
const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const ZERO = "0000000000000000000000000000000000000000";
const STATUSES = "POST /repos/{owner}/{repo}/statuses/{sha}";

/** acme/web built by Jenkins, pushed to Harbor: dev committed from any branch, prod proposed from main. */
const config = (source: string): string => `sources:
${source}
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit
    branches: ["**"]
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request
    branches: [main]
`;

const WEB_SOURCE = (extra = ""): string => `  - repositories: [acme/web]
    triggers: [build]
    image: ${HARBOR}
${extra}`;

let bot: BotHarness | undefined;
/** Every request the app made to GitHub: its method, route and the repository it names, if any. */
let requests: { method: string; url: string; repository: string | undefined }[];

/** The repository a REST request (`owner`, `repo`) or a GraphQL one (its variables) names. */
function repositoryOf(options: Record<string, unknown>): string | undefined {
  if (typeof options["owner"] === "string") return `${options["owner"]}/${String(options["repo"])}`;
  const variables = (options["variables"] ?? {}) as Record<string, unknown>;
  if (typeof variables["owner"] === "string") return `${variables["owner"]}/${String(variables["name"])}`;
  const input = (variables["input"] ?? {}) as { branch?: { repositoryNameWithOwner?: string } };
  return input.branch?.repositoryNameWithOwner;
}

/** Metrics that also note each request, where the app observes its clients (every installation's). */
class SeenRequests extends Metrics {
  override observeOctokit(octokit: ObservableOctokit): void {
    if (!seen.has(octokit)) {
      seen.add(octokit);
      (octokit as unknown as Octokit).hook.before("request", (options) => {
        const { method, url } = options;
        requests.push({ method, url, repository: repositoryOf(options as Record<string, unknown>) });
      });
    }
    super.observeOctokit(octokit);
  }
}
const seen = new WeakSet<object>();

/** The app's log lines at info and above (JSON, as in production). */
let lines: Record<string, unknown>[];

async function start(
  secret: string | undefined,
  source: string,
  files: { path: string; content: string }[],
): Promise<BotHarness> {
  lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean))
        lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  if (secret === undefined) delete process.env["BUILDS_WEBHOOK_SECRET"];
  else process.env[VARIABLE] = secret;
  requests = [];
  bot = await startBot(
    [
      {
        name: "manifests",
        files: [{ path: ".github/gitops-image-bot.yml", content: config(source) }, ...files],
      },
      sourceRepo("web"),
    ],
    { metrics: new SeenRequests(), log: pino({ level: "info" }, sink) as unknown as Logger },
  );
  return bot;
}

afterEach(async () => {
  delete process.env["BUILDS_WEBHOOK_SECRET"];
  if (bot) await closeExpectingNoViolations(bot);
  bot = undefined;
});

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

const sign = (secret: string, body: string): string =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** Posts `body` as a CI does: raw JSON, signed with `secret` (null: no signature header). */
async function post(body: unknown, secret: string | null = SECRET, method = "POST"): Promise<Answer> {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  return send(text, secret === null ? undefined : sign(secret, text), method);
}

async function send(text: string, signature: string | undefined, method = "POST"): Promise<Answer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (signature !== undefined) headers["x-gitops-image-bot-signature-256"] = signature;
  const response = await fetch(`${new URL(bot!.webhookUrl).origin}/api/builds`, {
    method,
    headers,
    ...(method === "GET" ? {} : { body: text }),
  });
  const answer = await response.text();
  return {
    status: response.status,
    body: answer === "" ? {} : (JSON.parse(answer) as Record<string, unknown>),
  };
}

/** What a Jenkins pipeline sends for acme/web at `sha` (`$GIT_COMMIT`, `$BRANCH_NAME`, `$BUILD_NUMBER`). */
const jenkins = (sha: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  repository: "acme/web",
  sha,
  image: HARBOR,
  tag: sha,
  branch: "main",
  buildNumber: "17",
  url: "https://jenkins.example.com/job/web/17/",
  ...extra,
});

function openPulls(): { title: string; number: number; headRef: string | undefined }[] {
  return [...bot!.repo("acme", "manifests").issues.values()]
    .filter((issue) => issue.pull !== undefined && issue.state === "open")
    .map((issue) => ({ title: issue.title, number: issue.number, headRef: issue.pull?.headRef }));
}

const harborOverlays = (tag: string): { path: string; content: string }[] => [
  { path: DEV, content: overlay(HARBOR, tag) },
  { path: PROD, content: overlay(HARBOR, tag) },
];

describe("POST /api/builds deploys a CI's signed build", () => {
  test("a Jenkins-style build of acme/web deploys dev and opens the prod pull request", async () => {
    await start(`${SECRET},${ROTATED}`, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");

    // Signed with the second secret of a rotation.
    const answer = await post(jenkins(sha), ROTATED);
    expect(answer).toEqual({
      status: 202,
      body: { queued: [{ manifests: "acme/manifests", images: [`${HARBOR}:${sha}`] }], ignored: [] },
    });
    await bot!.idle();

    expect(await bot!.deployed(DEV)).toBe(sha);
    expect(await bot!.deployed(PROD)).toBe(ZERO);
    const pulls = openPulls();
    expect(pulls).toHaveLength(1);
    expect(pulls[0]!.title).toBe(`deploy web ${sha.slice(0, 7)} to prod`);
    expect(await bot!.file("acme", "manifests", PROD, pulls[0]!.headRef)).toBe(overlay(HARBOR, sha));
    const message = (await bot!.repo("acme", "manifests").git.readCommit((await bot!.appCommits())[0]!))!
      .message;
    expect(message).toContain(`Source-Repository: acme/web\nSource-Commit: ${sha}`);
    // A GitHub source is reported on as for a workflow run.
    const contexts = bot!
      .repo("acme", "web")
      .statuses.filter((status) => status.sha === sha)
      .map((status) => status.context);
    expect(new Set(contexts)).toEqual(new Set(["gitops-image-bot/dev", "gitops-image-bot/prod"]));
  });

  test("order: build-number: builds 42 and 41 arriving as 42, 41 leave 42", async () => {
    const source = WEB_SOURCE(`    tag: "{build}-{sha:7}"\n    order: build-number\n`);
    await start(SECRET, source, harborOverlays("1-0000000"));
    // The build numbers, not the commits' history, decide: 41 built the later commit.
    const first = await bot!.commitSource("web");
    const second = await bot!.commitSource("web");
    const newer = `42-${first.slice(0, 7)}`;
    const older = `41-${second.slice(0, 7)}`;

    expect((await post(jenkins(first, { tag: newer, buildNumber: 42 }))).status).toBe(202);
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe(newer);
    const answer = await post(jenkins(second, { tag: older, buildNumber: "41" }));
    expect(answer.body["queued"]).toEqual([{ manifests: "acme/manifests", images: [`${HARBOR}:${older}`] }]);
    await bot!.idle();

    expect(await bot!.deployed(DEV)).toBe(newer);
    expect(await bot!.appCommits()).toHaveLength(1);
  });

  test("order: semver: v1.9.3, then v1.10.0, then a rebuild of v1.9.3 leave v1.10.0", async () => {
    const source = WEB_SOURCE(`    tag: "v{version}"\n    order: semver\n`);
    await start(SECRET, source, harborOverlays("v1.0.0"));
    const sha = await bot!.commitSource("web");
    const later = await bot!.commitSource("web");

    await post(jenkins(sha, { tag: "v1.9.3" }));
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe("v1.9.3");
    await post(jenkins(later, { tag: "v1.10.0" }));
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe("v1.10.0");
    // Not a replay (a rebuild of a later commit, another digest): queued, and refused by the order.
    const hotfix = await bot!.commitSource("web");
    const rebuild = await post(jenkins(hotfix, { tag: "v1.9.3", digest: `sha256:${"9".repeat(64)}` }));
    expect(rebuild.body).toMatchObject({ queued: [{ manifests: "acme/manifests" }] });
    expect(rebuild.body["duplicate"]).toBeUndefined();
    await bot!.idle();

    expect(await bot!.deployed(DEV)).toBe("v1.10.0");
    expect(await bot!.appCommits()).toHaveLength(2);
  });

  const GITLAB_SOURCE = `  - repositories: [payments/backend/api]
    host: gitlab.example.com
    triggers: [build]
    image: ${GITLAB_IMAGE}
    tag: "{build}-{sha:7}"
    order: build-number
`;
  const GITLAB_SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
  const GITLAB_TAG = `12-${GITLAB_SHA.slice(0, 7)}`;

  /** A GitLab CI job's build of payments/backend/api on gitlab.example.com, deployed to dev. */
  async function gitlabBuild(): Promise<void> {
    await start(SECRET, GITLAB_SOURCE, [{ path: API_DEV, content: overlay(GITLAB_IMAGE, "1-0000000") }]);
    const answer = await post({
      repository: "payments/backend/api",
      host: "gitlab.example.com",
      sha: GITLAB_SHA,
      image: GITLAB_IMAGE,
      tag: GITLAB_TAG,
      branch: "main",
      buildNumber: "12",
      url: "https://gitlab.example.com/payments/backend/api/-/pipelines/12",
      committedAt: "2024-05-01T12:00:00Z",
    });
    expect(answer).toEqual({
      status: 202,
      body: {
        queued: [{ manifests: "acme/manifests", images: [`${GITLAB_IMAGE}:${GITLAB_TAG}`] }],
        ignored: [],
      },
    });
    await bot!.idle();
    expect(await bot!.deployed(API_DEV)).toBe(GITLAB_TAG);
  }

  test("a GitLab source (nested group, order build-number) deploys; nothing is read from GitHub about it", async () => {
    await gitlabBuild();
    const message = (await bot!.repo("acme", "manifests").git.readCommit((await bot!.appCommits())[0]!))!
      .message;
    expect(message).toContain(GITLAB_SHA);
    // Routing, planning and the ordering guard read only the manifests repository.
    const reads = requests.filter((one) => one.method === "GET" || one.url.endsWith("/graphql"));
    expect(reads.some((one) => one.repository === "acme/manifests")).toBe(true);
    expect(
      reads.filter((one) => one.repository !== undefined && one.repository !== "acme/manifests"),
    ).toEqual([]);
  });

  // Needs the reporter to skip sources on another host (branch h-foreign): fails until that is merged.
  test("a GitLab source's commit gets no status or deployment: no request names it at all", async () => {
    await gitlabBuild();
    expect(bot!.twin.counters.count(STATUSES)).toBe(0);
    expect(
      requests.filter((one) => one.repository !== undefined && one.repository !== "acme/manifests"),
    ).toEqual([]);
  });

  test("a replayed body deploys once", async () => {
    await start(SECRET, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");
    const body = JSON.stringify(
      jenkins(sha, { branch: "feature/login", digest: `sha256:${"a".repeat(64)}` }),
    );

    const first = await post(body);
    await bot!.idle();
    const replay = await post(body);
    await bot!.idle();

    expect(first.body["queued"]).toHaveLength(1);
    expect(replay).toEqual({ status: 202, body: { queued: [], ignored: [], duplicate: true } });
    // One info line for the queued build; neither the body nor the secret is logged.
    const queued = lines.filter((line) => String(line["msg"]).startsWith("build of acme/web"));
    expect(queued.map((line) => line["msg"])).toEqual([
      `build of acme/web (${HARBOR}:${sha}) queued for acme/manifests`,
    ]);
    expect(JSON.stringify(lines)).not.toContain(SECRET);
    expect(Object.keys(queued[0]!).filter((key) => /body|secret/i.test(key))).toEqual([]);
    expect(await bot!.deployed(DEV)).toBe(sha);
    expect(await bot!.appCommits()).toHaveLength(1);
  });
});

describe("POST /api/builds refuses what it must, and writes nothing", () => {
  test("a wrong or missing signature: 401 unauthorized and nothing else; other methods 405", async () => {
    await start(`${SECRET},${ROTATED}`, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");
    const body = JSON.stringify(jenkins(sha));
    const tampered = body.replace(sha, sha.replace(/^./, sha.startsWith("a") ? "b" : "a"));

    const answers = [
      await post(body, "jenkins-builds-wrong-secret-0000"),
      await post(body, null),
      await post(body, `${SECRET},${ROTATED}`),
      // Signed, then changed on the way.
      await send(tampered, sign(SECRET, body)),
      await send(body, "sha256=abc"),
      await send(body, sign(SECRET, body).replace("sha256=", "sha1=")),
      // A source no manifests repository allows gets the same answer: nothing tells it exists.
      await post({ ...jenkins(sha), repository: "other/thing" }, "jenkins-builds-wrong-secret-0000"),
    ];
    for (const answer of answers) expect(answer).toEqual({ status: 401, body: { error: "unauthorized" } });
    expect((await post(body, SECRET, "GET")).status).toBe(405);
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe(ZERO);
    expect(await bot!.appCommits()).toHaveLength(0);
    expect(openPulls()).toEqual([]);
  });

  test("without BUILDS_WEBHOOK_SECRET the endpoint is off (404); a weak one answers 503 with the reason", async () => {
    await start(undefined, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");
    expect((await post(jenkins(sha))).status).toBe(404);
    expect((await post(jenkins(sha), null)).status).toBe(404);
    await bot!.idle();
    expect(await bot!.appCommits()).toHaveLength(0);
    await closeExpectingNoViolations(bot!);

    await start("short-secret", WEB_SOURCE(), harborOverlays(ZERO));
    const weak = await post(jenkins(sha), "short-secret");
    expect(weak.status).toBe(503);
    expect(weak.body["error"]).toContain(VARIABLE);
    expect(JSON.stringify(weak.body)).not.toContain("short-secret");
  });

  test("an invalid body: 400 with the field and the fix; a body past 64 KiB: 413", async () => {
    await start(SECRET, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");

    expect(await post(jenkins(sha, { sha: sha.slice(0, 7) }))).toEqual({
      status: 400,
      body: {
        error: "invalid `sha`: not a 40-character commit SHA",
        field: "sha",
        fix: "send the full 40-character commit SHA, e.g. $GIT_COMMIT (Jenkins) or $CI_COMMIT_SHA (GitLab)",
      },
    });
    expect((await post("{not json")).body["field"]).toBe("body");
    const big = await post(jenkins(sha, { url: `https://jenkins.example.com/${"x".repeat(70_000)}` }));
    expect(big.status).toBe(413);
    await bot!.idle();
    expect(await bot!.appCommits()).toHaveLength(0);
  });

  test("a source no manifests repository allows, and a tag not from the template: 202 with the reason, nothing written", async () => {
    await start(SECRET, WEB_SOURCE(), harborOverlays(ZERO));
    const sha = await bot!.commitSource("web");

    const unrouted = await post(jenkins(sha, { repository: "other/thing" }));
    expect(unrouted).toEqual({
      status: 202,
      body: { queued: [], ignored: [], unrouted: "no manifests repository's sources allow other/thing" },
    });
    const latest = await post(jenkins(sha, { tag: "latest" }));
    expect(latest.status).toBe(202);
    expect(latest.body["queued"]).toEqual([]);
    expect(latest.body["ignored"]).toEqual([
      { manifests: "acme/manifests", reason: expect.stringContaining("latest") as unknown },
    ]);
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe(ZERO);
    expect(await bot!.appCommits()).toHaveLength(0);
    expect(openPulls()).toEqual([]);
  });

  test("an image no file references: 202 with the reason, nothing written; once a person adds the overlay, it deploys", async () => {
    // Every acme repository's Harbor image may deploy; only acme/web has overlays.
    const source = `  - repositories: ["acme/*"]
    triggers: [build]
    image: harbor.example.com/acme/{repo}
`;
    await start(SECRET, source, harborOverlays(ZERO));
    const web = await bot!.commitSource("web");
    // The first build reads the tree: from now on the app knows which files reference which image.
    expect((await post(jenkins(web))).status).toBe(202);
    await bot!.idle();
    expect(await bot!.deployed(DEV)).toBe(web);

    const api = jenkins(web, { repository: "acme/api", image: "harbor.example.com/acme/api" });
    const unreferenced = await post(api);
    expect(unreferenced).toEqual({
      status: 202,
      body: {
        queued: [],
        ignored: [
          {
            manifests: "acme/manifests",
            reason: expect.stringContaining(
              "no file under an environment's `paths` references harbor.example.com/acme/api",
            ) as unknown,
          },
        ],
      },
    });
    await bot!.idle();
    expect(await bot!.appCommits()).toHaveLength(1);

    // A person adds the api's dev overlay: GitHub sends the push; the same build now deploys.
    const manifests = bot!.repo("acme", "manifests");
    await bot!.twin.store.commitFiles(
      manifests,
      "main",
      [{ path: API_DEV, content: overlay("harbor.example.com/acme/api", ZERO) }],
      "add the api to dev",
    );
    const push = examplePayload("push");
    push["repository"] = {
      ...(push["repository"] as object),
      name: "manifests",
      full_name: "acme/manifests",
      owner: { login: "acme", name: "acme" },
    };
    push["sender"] = { ...(push["sender"] as object), login: "alice", type: "User" };
    push["commits"] = [
      { ...((push["commits"] as object[])[0] ?? {}), added: [API_DEV], modified: [], removed: [] },
    ];
    expect((await bot!.send("push", push)).status).toBe(200);
    const again = await post(api);
    expect(again.body["queued"]).toEqual([
      { manifests: "acme/manifests", images: [`harbor.example.com/acme/api:${web}`] },
    ]);
    await bot!.idle();
    expect(await bot!.deployed(API_DEV)).toBe(web);
  });
});
