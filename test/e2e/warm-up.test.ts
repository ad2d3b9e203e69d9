// The app reads its installations' manifests repositories and their files once after it starts
// (src/services/warm-up.ts), so the first build after a start (a restart, a new replica) costs what a
// warm build costs: one query and one createCommitOnBranch, no token, no repository listing, no tree.
// A build sent the moment the app starts still lands; warm-up off, the first build reads everything.
import {
  buildRequests,
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const API_PROD = "apps/api/overlays/prod/kustomization.yaml";
const API_IMAGE = "ghcr.io/acme/api";
/** A made-up build, as a service's overlays carry before the app ever wrote them: no commit of acme/api. */
const MADE_UP = "3f".repeat(20);

let bot: BotHarness | undefined;

async function start(warmUp: boolean): Promise<BotHarness> {
  bot = await startBot(
    [
      webManifests([
        { path: API_DEV, content: overlay(API_IMAGE, MADE_UP) },
        { path: API_PROD, content: overlay(API_IMAGE, MADE_UP) },
      ]),
      sourceRepo("web"),
      sourceRepo("api"),
    ],
    { warmUp },
  );
  return bot;
}
afterEach(async () => {
  if (bot) await closeExpectingNoViolations(bot);
  bot = undefined;
});

/** The requests of one build of acme/api, sent and settled, without its reports. */
const firstBuild = (harness: BotHarness, sha: string) => buildRequests(harness, "api", sha);

test("after the warm-up, the first build costs one query and one commit", async () => {
  const harness = await start(true);
  await harness.idle(); // the warm-up has read the installation
  const sha = await harness.commitSource("api");
  const byRoute = await firstBuild(harness, sha);
  expect(await harness.deployed(API_DEV)).toBe(sha);
  expect(await harness.deployed(API_PROD)).toBe(sha);
  expect(byRoute).toEqual({ "graphql query repository": 1, "graphql mutation createCommitOnBranch": 1 });
});

test("without the warm-up, the same first build lists the installation and the tree first", async () => {
  const harness = await start(false);
  const sha = await harness.commitSource("api");
  const byRoute = await firstBuild(harness, sha);
  expect(await harness.deployed(API_DEV)).toBe(sha);
  expect(byRoute["GET /installation/repositories"]).toBe(1);
  expect(byRoute["GET /repos/{owner}/{repo}/git/trees/{tree_sha}"]).toBe(1);
});

test("a build sent while the warm-up still reads is written once, as any build", async () => {
  const harness = await start(true);
  const sha = await harness.commitSource("api");
  await harness.send("workflow_run", harness.workflowRun("api", sha));
  await harness.idle();
  expect(await harness.deployed(API_DEV)).toBe(sha);
  expect(await harness.deployed(API_PROD)).toBe(sha);
  expect(await harness.appCommits()).toHaveLength(1);
});
