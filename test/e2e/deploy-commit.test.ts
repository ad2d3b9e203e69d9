import {
  closeExpectingNoViolations,
  CONFIG,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
} from "./bot-harness.js";

const API_DEV = "apps/api/overlays/dev/kustomization.yaml";

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        {
          path: DEV,
          content: overlay("ghcr.io/acme/web", "0000000000000000000000000000000000000000", " # dev"),
        },
        { path: PROD, content: overlay("ghcr.io/acme/web", "0000000000000000000000000000000000000000") },
        { path: API_DEV, content: overlay("ghcr.io/acme/api", "0000000000000000000000000000000000000000") },
        {
          path: "apps/web/base/deployment.yaml",
          content:
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web:latest\n",
        },
      ],
    },
    sourceRepo("web"),
    sourceRepo("api"),
  ]);
});

afterEach(() => closeExpectingNoViolations(bot));

const deployed = (path: string) => bot.deployed(path);

test("a successful build of main lands in every environment in one commit, comments and quotes kept", async () => {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();

  expect(await bot.file("acme", "manifests", DEV)).toBe(overlay("ghcr.io/acme/web", sha, " # dev"));
  expect(await deployed(PROD)).toBe(sha);
  expect(await deployed(API_DEV)).toBe("0000000000000000000000000000000000000000");
  const commits = await bot.appCommits();
  expect(commits).toHaveLength(1);
  const message = (await bot.repo("acme", "manifests").git.readCommit(commits[0]!))!.message;
  expect(message).toMatch(/^deploy web [0-9a-f]{7} to dev, prod\n/);
  expect(message).toContain(`Source-Repository: acme/web\nSource-Commit: ${sha}`);
});

test("a build of another branch reaches dev but not prod (prod takes main only)", async () => {
  const sha = await bot.commitSource("web", "feature");
  await bot.send("workflow_run", bot.workflowRun("web", sha, { head_branch: "feature" }));
  await bot.idle();
  expect(await deployed(DEV)).toBe(sha);
  expect(await deployed(PROD)).toBe("0000000000000000000000000000000000000000");
  expect(await bot.appCommits()).toHaveLength(1);
});

test("out of order: the older build arriving after the newer one never lands", async () => {
  const older = await bot.commitSource("web");
  const newer = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", newer));
  await bot.idle();
  await bot.send("workflow_run", bot.workflowRun("web", older));
  await bot.idle();
  expect(await deployed(DEV)).toBe(newer);
  expect(await deployed(PROD)).toBe(newer);
  expect(await bot.appCommits()).toHaveLength(1);
  const statuses = bot.twin.counters.count("POST /repos/{owner}/{repo}/statuses/{sha}");
  expect(statuses).toBeGreaterThan(0);
});

test("two builds of one image arriving while a batch is being written: the newer lands, in one commit", async () => {
  // A build for the idle repository starts a batch at once; its commit takes at least a second.
  bot.twin.faults.setLatency("graphql mutation createCommitOnBranch", 1000);
  const api = await bot.commitSource("api");
  await bot.send("workflow_run", bot.workflowRun("api", api));
  const older = await bot.commitSource("web");
  const newer = await bot.commitSource("web");
  await Promise.all([
    bot.send("workflow_run", bot.workflowRun("web", newer)),
    bot.send("workflow_run", bot.workflowRun("web", older)),
  ]);
  await bot.idle();
  expect(await deployed(DEV)).toBe(newer);
  expect(await deployed(API_DEV)).toBe(api);
  // The two web builds went together: api's commit and one more (one, had all three gone together).
  expect((await bot.appCommits()).length).toBeLessThanOrEqual(2);
});

test("a webhook delivered twice makes one commit", async () => {
  const sha = await bot.commitSource("web");
  const payload = bot.workflowRun("web", sha);
  await bot.send("workflow_run", payload, "delivery-1");
  await bot.send("workflow_run", payload, "delivery-1");
  await bot.idle();
  await bot.send("workflow_run", payload, "delivery-2");
  await bot.idle();
  expect(await bot.appCommits()).toHaveLength(1);
  expect(await deployed(DEV)).toBe(sha);
});

test("a failed run, a pull-request build and a payload missing fields write nothing", async () => {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha, { conclusion: "failure" }));
  await bot.send("workflow_run", bot.workflowRun("web", sha, { event: "pull_request" }));
  const broken = bot.workflowRun("web", sha);
  delete (broken["workflow_run"] as Record<string, unknown>)["head_sha"];
  const delivery = await bot.send("workflow_run", broken);
  await bot.idle();
  expect(delivery.status).toBe(200);
  expect(await bot.appCommits()).toHaveLength(0);
});

test("a build of a repository no config names is ignored", async () => {
  await bot.twin.store.createRepo({ owner: "other", name: "web", files: [{ path: "a", content: "a" }] });
  const payload = bot.workflowRun("web", await bot.commitSource("web"));
  (payload["repository"] as Record<string, unknown>)["full_name"] = "other/web";
  ((payload["repository"] as Record<string, unknown>)["owner"] as Record<string, unknown>)["login"] = "other";
  await bot.send("workflow_run", payload);
  await bot.idle();
  expect(await bot.appCommits()).toHaveLength(0);
});

test("the webhook is answered before the work is done", async () => {
  const sha = await bot.commitSource("web");
  const before = await bot.repo("acme", "manifests").git.getRef("refs/heads/main");
  // The repository is idle, so the batch starts at once; its commit takes at least 2 s in the twin.
  bot.twin.faults.setLatency("graphql mutation createCommitOnBranch", 2000);
  const delivery = await bot.send("workflow_run", bot.workflowRun("web", sha));
  expect(delivery.status).toBe(200);
  // The answer did not wait for the commit: nothing is written yet.
  expect(await bot.repo("acme", "manifests").git.getRef("refs/heads/main")).toBe(before);
  await bot.idle();
  expect(await deployed(DEV)).toBe(sha);
});
