import {
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
} from "./bot-harness.js";

const ZERO = "0000000000000000000000000000000000000000";
const QA = "apps/web/overlays/qa/kustomization.yaml";
const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";

const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
  qa:
    paths: ["apps/*/overlays/qa/**"]
    mode: auto-merge
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request
    branches: [main]
`;

let bot: BotHarness;

async function start(requiredChecks: string[] = []): Promise<void> {
  bot = await startBot(
    [
      {
        name: "manifests",
        allowAutoMerge: true,
        requiredChecks,
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: DEV, content: overlay("ghcr.io/acme/web", ZERO) },
          { path: QA, content: overlay("ghcr.io/acme/web", ZERO) },
          { path: PROD, content: overlay("ghcr.io/acme/web", ZERO, " # prod") },
        ],
      },
      sourceRepo("web"),
    ],
    // GitHub's own limit (the twin enforces it): three batches with PRs and reports fit in one minute.
    { contentPerMinute: 80 },
  );
}

afterEach(() => closeExpectingNoViolations(bot));

/** The pull requests for prod's web image (qa's auto-merged ones are left out). */
function pulls(state?: "open" | "closed") {
  const repo = bot.repo("acme", "manifests");
  return [...repo.issues.values()].filter(
    (issue) => issue.pull?.headRef === BRANCH && (state === undefined || issue.state === state),
  );
}

async function deploy(sha: string): Promise<void> {
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
}

test("prod gets one pull request on a stable branch; dev is committed; qa auto-merges at once when it can", async () => {
  await start();
  const sha = await bot.commitSource("web");
  await deploy(sha);

  expect(await bot.file("acme", "manifests", DEV)).toBe(overlay("ghcr.io/acme/web", sha));
  // qa: auto-merge was refused because the PR could merge right now, so the app merged it directly.
  expect(await bot.file("acme", "manifests", QA)).toBe(overlay("ghcr.io/acme/web", sha));
  // prod: untouched on main, proposed in an open pull request.
  expect(await bot.file("acme", "manifests", PROD)).toBe(overlay("ghcr.io/acme/web", ZERO, " # prod"));
  expect(await bot.file("acme", "manifests", PROD, BRANCH)).toBe(overlay("ghcr.io/acme/web", sha, " # prod"));
  const open = pulls("open");
  expect(open).toHaveLength(1);
  expect(open[0]!.title).toBe(`deploy web ${sha.slice(0, 7)} to prod`);
  expect(open[0]!.body).toContain(`| \`${PROD}\` | \`${ZERO}\` | \`${sha}\``);
  expect(open[0]!.body).toContain(`/acme/web/commit/${sha}`);
  // The source commit says where each environment's tag went, and only what is true: prod's tag is
  // proposed, not written, until its pull request merges.
  const statuses = bot.repo("acme", "web").statuses.filter((status) => status.sha === sha);
  // Nothing is `success` before Argo CD says it runs: dev and qa are on main, waiting for it.
  expect(statuses.map((status) => [status.context, status.state]).sort()).toEqual([
    ["gitops-image-bot/dev", "pending"],
    ["gitops-image-bot/prod", "pending"],
    ["gitops-image-bot/qa", "pending"],
  ]);
  expect(statuses.find((status) => status.context === "gitops-image-bot/prod")!.description).toBe(
    `proposed in acme/manifests#${open[0]!.number}, waiting for review`,
  );
  expect(statuses.find((status) => status.context === "gitops-image-bot/qa")!.description).toMatch(
    /^on main via acme\/manifests#\d+, waiting for Argo CD$/,
  );
  expect(statuses.find((status) => status.context === "gitops-image-bot/prod")!.targetUrl).toBe(
    `${bot.twin.urls.web}/acme/manifests/pull/${open[0]!.number}`,
  );
  // One deployment per environment, each with a status saying where the tag went.
  const deployments = [...bot.repo("acme", "web").deployments.values()];
  expect(deployments.map((deployment) => deployment.environment).sort()).toEqual(["dev", "prod", "qa"]);
  expect(deployments.every((deployment) => deployment.statuses.length === 1)).toBe(true);
  expect(
    deployments.map((deployment) => [deployment.environment, deployment.statuses[0]!.state]).sort(),
  ).toEqual([
    ["dev", "in_progress"],
    ["prod", "pending"],
    ["qa", "in_progress"],
  ]);
});

test("a newer build updates the same pull request; an older one never overwrites it", async () => {
  await start();
  const first = await bot.commitSource("web");
  const second = await bot.commitSource("web");
  await deploy(first);
  await deploy(second);
  expect(pulls()).toHaveLength(1);
  expect(await bot.file("acme", "manifests", PROD, BRANCH)).toBe(
    overlay("ghcr.io/acme/web", second, " # prod"),
  );
  expect(pulls("open")[0]!.title).toBe(`deploy web ${second.slice(0, 7)} to prod`);
  // The update never moved the branch onto the base (GitHub would mark the PR merged): one commit on top.
  const manifests = bot.repo("acme", "manifests");
  const main = await manifests.git.getRef("refs/heads/main");
  const head = await manifests.git.getRef(`refs/heads/${BRANCH}`);
  expect(await manifests.git.commitsBetween(main!, head!)).toHaveLength(1);
  expect(pulls()[0]!.pull!.merged).toBe(false);

  await deploy(first); // late redelivery of the older build, new delivery id
  expect(await bot.file("acme", "manifests", PROD, BRANCH)).toBe(
    overlay("ghcr.io/acme/web", second, " # prod"),
  );
  expect(pulls()).toHaveLength(1);
});

test("the pull request closes itself when its change reached the base another way", async () => {
  await start();
  const sha = await bot.commitSource("web");
  await deploy(sha);
  expect(pulls("open")).toHaveLength(1);
  const manifests = bot.repo("acme", "manifests");
  await bot.twin.store.commitFiles(
    manifests,
    "main",
    [{ path: PROD, content: overlay("ghcr.io/acme/web", sha, " # prod") }],
    "hand-deploy",
  );
  await deploy(sha); // the same build again, e.g. a re-run
  expect(pulls("open")).toHaveLength(0);
  expect(pulls("closed")).toHaveLength(1);
});

test("auto-merge waits for required checks instead of merging", async () => {
  await start(["ci"]);
  const sha = await bot.commitSource("web");
  await deploy(sha);
  expect(await bot.file("acme", "manifests", QA)).toBe(overlay("ghcr.io/acme/web", ZERO));
  const qa = [...bot.repo("acme", "manifests").issues.values()].find(
    (issue) => issue.pull!.headRef === "gitops-image-bot/qa/ghcr.io-acme-web",
  );
  expect(qa?.pull?.autoMerge?.mergeMethod).toBe("SQUASH");
});
