// A monorepo end to end (issue #17, item 4): acme/shop builds two images, each with its own workflow.
// A run of build-api.yml deploys only shop-api (dev committed, prod proposed in shop-api's own pull
// request), a run of build-web.yml only shop-web; a reconciliation pass after a lost webhook repairs
// only the image whose workflow ran; the dashboard and /status show each image on its own row.
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import { pullRequestBranch } from "../../src/core/render/pull-request-text.js";
import {
  closeExpectingNoViolations,
  OLD,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
} from "./bot-harness.js";

const API = "ghcr.io/acme/shop-api";
const WEB = "ghcr.io/acme/shop-web";
const BUILD_API = ".github/workflows/build-api.yml";
const BUILD_WEB = ".github/workflows/build-web.yml";
const BOT = "gitops-image-bot[bot]";

const CONFIG = `sources:
  - repositories: [acme/shop]
    images:
      - image: ${API}
        workflows: [${BUILD_API}]
      - image: ${WEB}
        workflows: [${BUILD_WEB}]
environments:
  dev:
    paths: ["apps/*/dev/**"]
    mode: commit
    branches: ["**"]
  prod:
    paths: ["apps/*/prod/**"]
    mode: pull-request
    branches: [main]
`;

const file = (image: "api" | "web", environment: "dev" | "prod") =>
  `apps/shop-${image}/${environment}/kustomization.yaml`;

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot(
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: file("api", "dev"), content: overlay(API, OLD) },
          { path: file("web", "dev"), content: overlay(WEB, OLD) },
          { path: file("api", "prod"), content: overlay(API, OLD) },
          { path: file("web", "prod"), content: overlay(WEB, OLD) },
        ],
      },
      sourceRepo("shop"),
    ],
    // GitHub's own limit (the twin enforces it): two builds with pull requests and a pass fit in one minute.
    { contentPerMinute: 80 },
  );
  bot.setPermission("acme", "manifests", "alice", "write");
});

afterEach(() => closeExpectingNoViolations(bot));

/** A commit of acme/shop built by `workflow`, its webhook sent. */
async function build(workflow: string): Promise<string> {
  const sha = await bot.commitSource("shop");
  await bot.send("workflow_run", bot.workflowRun("shop", sha, { path: workflow }));
  await bot.idle();
  return sha;
}

/** A commit of acme/shop built by `workflow`, whose webhook never arrives (the run is recorded in GitHub). */
async function lostBuild(workflow: string): Promise<string> {
  const sha = await bot.commitSource("shop");
  bot.twin.store.recordWorkflowRun(bot.repo("acme", "shop"), {
    headSha: sha,
    headBranch: "main",
    event: "push",
    path: workflow,
  });
  return sha;
}

/** The open pull requests of the app in acme/manifests, by head branch. */
function openPulls(): string[] {
  return [...bot.repo("acme", "manifests").issues.values()]
    .filter((issue) => issue.pull && issue.state === "open")
    .map((issue) => issue.pull!.headRef)
    .sort();
}

test("a run of build-api.yml deploys only shop-api; build-web.yml only shop-web; each has its own prod pull request", async () => {
  const api = await build(BUILD_API);
  expect(await bot.deployed(file("api", "dev"))).toBe(api);
  expect(await bot.deployed(file("web", "dev"))).toBe(OLD);
  // prod: proposed in shop-api's own pull request, main untouched; no pull request for shop-web.
  expect(await bot.deployed(file("api", "prod"))).toBe(OLD);
  expect(openPulls()).toEqual([pullRequestBranch("prod", API)]);
  expect(await bot.file("acme", "manifests", file("api", "prod"), pullRequestBranch("prod", API))).toBe(
    overlay(API, api),
  );

  const web = await build(BUILD_WEB);
  expect(await bot.deployed(file("web", "dev"))).toBe(web);
  expect(await bot.deployed(file("api", "dev"))).toBe(api);
  expect(openPulls()).toEqual([pullRequestBranch("prod", API), pullRequestBranch("prod", WEB)].sort());
  // shop-api's pull request still proposes its own build, not the web's commit.
  expect(await bot.file("acme", "manifests", file("api", "prod"), pullRequestBranch("prod", API))).toBe(
    overlay(API, api),
  );
  expect(await bot.file("acme", "manifests", file("web", "prod"), pullRequestBranch("prod", WEB))).toBe(
    overlay(WEB, web),
  );
});

test("a pass after a lost webhook of build-api.yml repairs only shop-api; the dashboard and /status list both images", async () => {
  await build(BUILD_API);
  const web = await build(BUILD_WEB);
  // A newer commit built only by build-api.yml, whose webhook never arrives.
  const lost = await lostBuild(BUILD_API);
  const pass = await bot.reconcile();
  // dev's shop-api is behind and repaired; shop-web's newest build is still its own (web); prod runs
  // OLD, a commit of no branch of acme/shop, so it is left alone.
  expect(
    pass.kind === "done" && pass.results.map(({ result, found, repaired }) => ({ result, found, repaired })),
  ).toEqual([{ result: "complete", found: 1, repaired: 1 }]);
  expect(await bot.deployed(file("api", "dev"))).toBe(lost);
  expect(await bot.deployed(file("web", "dev"))).toBe(web);

  // Both behind, each at its own newest build: a lost build-web.yml run, then a newer commit built only
  // by build-api.yml. Each image gets its own build, never the other's newer commit.
  const lostWeb = await lostBuild(BUILD_WEB);
  const lostApi = await lostBuild(BUILD_API);
  const again = await bot.reconcile();
  expect(again.kind === "done" && again.results.map(({ found, repaired }) => ({ found, repaired }))).toEqual([
    { found: 2, repaired: 2 },
  ]);
  expect(await bot.deployed(file("api", "dev"))).toBe(lostApi);
  expect(await bot.deployed(file("web", "dev"))).toBe(lostWeb);

  const [dashboard] = [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
  );
  const rows = (dashboard?.body ?? "").split("\n").filter((line) => line.includes("acme/shop"));
  expect(
    rows.filter((line) => line.includes("`shop-api`") && line.includes(lostApi.slice(0, 7))),
  ).not.toEqual([]);
  expect(
    rows.filter((line) => line.includes("`shop-web`") && line.includes(lostWeb.slice(0, 7))),
  ).not.toEqual([]);

  const { number } = await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" });
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: number,
    login: "alice",
    body: "/status dev",
  });
  await bot.idle();
  const reply = [...bot.repo("acme", "manifests").comments.values()]
    .filter((comment) => comment.user.login === BOT && comment.issueNumber === number)
    .at(-1)?.body;
  const lines = (reply ?? "").split("\n");
  expect(
    lines.filter((line) => line.includes("`shop-api`") && line.includes("✅ newest build")),
  ).toHaveLength(1);
  expect(
    lines.filter((line) => line.includes("`shop-web`") && line.includes("✅ newest build")),
  ).toHaveLength(1);
});

test("one commit built by both workflows: each image keeps its own commit status per environment", async () => {
  const sha = await bot.commitSource("shop");
  await bot.send("workflow_run", bot.workflowRun("shop", sha, { path: BUILD_API }));
  await bot.send("workflow_run", bot.workflowRun("shop", sha, { path: BUILD_WEB }));
  await bot.idle();
  expect(await bot.deployed(file("api", "dev"))).toBe(sha);
  expect(await bot.deployed(file("web", "dev"))).toBe(sha);
  const latest = new Map<string, string>();
  for (const status of bot.repo("acme", "shop").statuses.filter((one) => one.sha === sha))
    latest.set(status.context, status.state);
  // Two images of one commit: without the image in the context, the second would overwrite the first.
  expect([...latest.keys()].sort()).toEqual([
    "gitops-image-bot/dev/shop-api",
    "gitops-image-bot/dev/shop-web",
    "gitops-image-bot/prod/shop-api",
    "gitops-image-bot/prod/shop-web",
  ]);
});
