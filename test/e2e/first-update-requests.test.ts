// A service's first update once the app is warm: the manifest index knows what its overlays deployed
// when it last read them, so the snapshot query carries those commits' history too (or learns GitHub
// has no such commit): one query and one createCommitOnBranch, and the ordering guard still refuses an
// older build. When the overlays deploy something else by now (a push the app has not heard of), the
// guard asks what it needs and still decides right.
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
/** Made-up builds, as a service's overlays carry before the app ever wrote them: no commit of acme/api. */
const MADE_UP_DEV = "1d".repeat(20);
const MADE_UP_PROD = "2e".repeat(20);

const QUERY = "graphql query repository";
const COMMIT = "graphql mutation createCommitOnBranch";
let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot([
    webManifests([
      { path: API_DEV, content: overlay(API_IMAGE, MADE_UP_DEV) },
      { path: API_PROD, content: overlay(API_IMAGE, MADE_UP_PROD) },
    ]),
    sourceRepo("web"),
    sourceRepo("api"),
  ]);
});
afterEach(() => closeExpectingNoViolations(bot));

/** The requests of one build of `acme/<name>`, sent and settled, without its reports on the source commit. */
const update = (name: string, sha: string) => buildRequests(bot, name, sha);

/** Sets acme/api's overlays as a person would, by a push the app hears nothing of. */
async function pushApiOverlays(dev: string, prod: string): Promise<void> {
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [
      { path: API_DEV, content: overlay(API_IMAGE, dev) },
      { path: API_PROD, content: overlay(API_IMAGE, prod) },
    ],
    "api: set by hand",
  );
}

/** The app warm: one update of acme/web read the manifests tree and every overlay (acme/api's too). */
async function warm(): Promise<void> {
  await update("web", await bot.commitSource("web"));
}

test("over made-up commits the index knows: one query and one commit, and the build is written", async () => {
  await warm();
  const sha = await bot.commitSource("api");
  const byRoute = await update("api", sha);
  expect(await bot.deployed(API_DEV)).toBe(sha);
  expect(await bot.deployed(API_PROD)).toBe(sha);
  expect(byRoute).toEqual({ [QUERY]: 1, [COMMIT]: 1 });
});

test("an older build than the deployed one is refused from the snapshot alone: one query, no commit", async () => {
  const older = await bot.commitSource("api");
  const newer = await bot.commitSource("api");
  await pushApiOverlays(newer, newer);
  await warm();
  const byRoute = await update("api", older);
  expect(await bot.deployed(API_DEV)).toBe(newer);
  expect(await bot.deployed(API_PROD)).toBe(newer);
  expect(await bot.appCommits()).toHaveLength(1); // web's
  // The deployed commit's history, read with the snapshot, has the build: it is older.
  expect(byRoute).toEqual({ [QUERY]: 1 });
});

test("a newer build than the deployed one is written: one query and one commit", async () => {
  const older = await bot.commitSource("api");
  await pushApiOverlays(older, older);
  await warm();
  const newer = await bot.commitSource("api");
  const byRoute = await update("api", newer);
  expect(await bot.deployed(API_DEV)).toBe(newer);
  expect(await bot.deployed(API_PROD)).toBe(newer);
  expect(byRoute).toEqual({ [QUERY]: 1, [COMMIT]: 1 });
});

test("overlays on another line than the build: one query and one compare, and the build is refused", async () => {
  const base = await bot.commitSource("api");
  const side = await bot.commitSource("api", "side");
  await pushApiOverlays(side, side);
  await warm();
  const build = await bot.commitSource("api");
  const byRoute = await update("api", build);
  expect(await bot.deployed(API_DEV)).toBe(side);
  expect(base).not.toBe(side);
  // Neither history holds the other: only a compare tells they diverged (no query reads them again).
  expect(byRoute).toEqual({ [QUERY]: 1, "GET /repos/{owner}/{repo}/compare/{basehead}": 1 });
});

describe("the index is stale: the overlays were set by hand since it read them", () => {
  test("to a newer build than the one arriving: the older build is still refused", async () => {
    await warm(); // the index holds the made-up commits
    const older = await bot.commitSource("api");
    const newer = await bot.commitSource("api");
    await pushApiOverlays(newer, newer);
    const byRoute = await update("api", older);
    expect(await bot.deployed(API_DEV)).toBe(newer);
    expect(await bot.deployed(API_PROD)).toBe(newer);
    expect(await bot.appCommits()).toHaveLength(1); // web's
    expect(byRoute[COMMIT]).toBeUndefined();
  });

  test("to an older build than the one arriving: the newer build is written", async () => {
    await warm();
    const older = await bot.commitSource("api");
    await pushApiOverlays(older, MADE_UP_PROD);
    const newer = await bot.commitSource("api");
    const byRoute = await update("api", newer);
    expect(await bot.deployed(API_DEV)).toBe(newer);
    expect(await bot.deployed(API_PROD)).toBe(newer);
    expect(byRoute[COMMIT]).toBe(1);
  });

  test("to a made-up commit the index never saw: the build is written, as before", async () => {
    await warm();
    await pushApiOverlays("3f".repeat(20), MADE_UP_PROD);
    const sha = await bot.commitSource("api");
    const byRoute = await update("api", sha);
    expect(await bot.deployed(API_DEV)).toBe(sha);
    expect(await bot.deployed(API_PROD)).toBe(sha);
    expect(byRoute[COMMIT]).toBe(1);
  });
});
