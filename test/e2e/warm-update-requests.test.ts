// What one guarded update costs GitHub once the app is warm: one GraphQL query (the manifests head, its
// files and the build's recent ancestry with its branch claim) and one createCommitOnBranch.
import {
  buildRequests,
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
  DEV,
  PROD,
} from "./bot-harness.js";

const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot([webManifests(), sourceRepo("web")]);
});
afterEach(() => closeExpectingNoViolations(bot));

/** The requests of one build of acme/web, sent and settled, without its reports on the source commit. */
const update = (sha: string, overrides: Record<string, unknown> = {}) =>
  buildRequests(bot, "web", sha, overrides);

test("a warm update of main costs two requests: the snapshot with the build's ancestry, then the commit", async () => {
  await update(await bot.commitSource("web"));
  const sha = await bot.commitSource("web");
  const byRoute = await update(sha);
  expect(await bot.deployed(DEV)).toBe(sha);
  expect(await bot.deployed(PROD)).toBe(sha);
  expect(byRoute).toEqual({
    "graphql query repository": 1,
    "graphql mutation createCommitOnBranch": 1,
  });
});

test("an older build arriving late is refused with no request beyond the snapshot", async () => {
  const older = await bot.commitSource("web");
  const newer = await bot.commitSource("web");
  await update(newer);
  const byRoute = await update(older);
  expect(await bot.deployed(DEV)).toBe(newer);
  expect(await bot.appCommits()).toHaveLength(1);
  // The newer build's history, read with its own snapshot, tells the older one is behind.
  expect(byRoute).toEqual({ "graphql query repository": 1 });
});

test("a build whose run names main from another ref counts as no branch's, told with the snapshot's branch history", async () => {
  const first = await bot.commitSource("web");
  await update(first);
  const sha = await bot.commitSource("web", "side");
  const byRoute = await update(sha, { head_branch: "main" });
  expect(await bot.deployed(DEV)).toBe(first);
  expect(await bot.deployed(PROD)).toBe(first);
  // main exists and its recent history lacks the commit: one compare with refs/heads/main settles it.
  expect(byRoute[COMPARE]).toBe(1);
  expect(byRoute["graphql query repository"]).toBe(1);
});
