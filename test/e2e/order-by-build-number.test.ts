// A GitHub source ordered by build number (`order: build-number`, tag `{build}-{sha:7}`): workflow runs
// fill {build} with their run_number, and the ordering guard reads the numbers from the tags; GitHub is
// never asked about the commits' order.
import {
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
} from "./bot-harness.js";
import { sampleValue } from "../helpers/metric-sample.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit
    branches: ["**"]
`;
const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
const GRAPHQL = "graphql query repository";

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        { path: DEV, content: overlay("ghcr.io/acme/web", "40-0000000") },
      ],
    },
    sourceRepo("web"),
  ]);
});

afterEach(() => closeExpectingNoViolations(bot));

async function run(sha: string, number: number): Promise<void> {
  await bot.send("workflow_run", bot.workflowRun("web", sha, { run_number: number }));
  await bot.idle();
}

test("run 42 then run 41 of a newer commit: 42 stays (the number decides, not the commits), no compare", async () => {
  const older = await bot.commitSource("web");
  const newer = await bot.commitSource("web");
  bot.twin.counters.reset();
  await run(older, 42);
  expect(await bot.deployed(DEV)).toBe(`42-${older.slice(0, 7)}`);
  await run(newer, 41);
  expect(await bot.deployed(DEV)).toBe(`42-${older.slice(0, 7)}`);
  expect(await bot.appCommits()).toHaveLength(1);
  expect(bot.twin.counters.count(COMPARE)).toBe(0);
  // The skipped run says why on its commit.
  const statuses = bot
    .repo("acme", "web")
    .statuses.filter((one) => one.sha === newer)
    .map((one) => one.description);
  expect(statuses).toContain(
    "dev: not deployed: build 41 is not newer than the deployed build 42 (order: build-number)",
  );
  // Counted like every other skip reason.
  expect(
    sampleValue(await bot.bot.metrics.text(), "gitops_image_bot_updates_skipped_total", {
      reason: "older-by-order",
    }),
  ).toBe(1);
});

test("a second run of the same commit with a lower number: skipped without a history query or a compare", async () => {
  const sha = await bot.commitSource("web");
  await run(sha, 42);
  const before = { graphql: bot.twin.counters.count(GRAPHQL), compare: bot.twin.counters.count(COMPARE) };
  await run(sha, 41);
  expect(await bot.deployed(DEV)).toBe(`42-${sha.slice(0, 7)}`);
  // The batch reads the manifests once; its branch claim (main) was checked with run 42, and no
  // question about the order goes to GitHub (by ancestry, 42-<sha> against <sha> would need one).
  expect(bot.twin.counters.count(GRAPHQL) - before.graphql).toBe(1);
  expect(bot.twin.counters.count(COMPARE) - before.compare).toBe(0);
});
