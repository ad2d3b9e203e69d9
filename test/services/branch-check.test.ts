// Whether a build's commit is on the branch its run names, from the twin's real git: answered in the
// ordering guard's history query, by a compare only when the branch's recent history cannot tell.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { ANCESTRY_DEPTH } from "../../src/adapters/github/recent-ancestry.js";
import { CompareCache } from "../../src/services/compare-cache.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

const REPO = "acme/web";
const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";
let fx: TwinFixture;
let oldest: string;
let head: string;
let feature: string;
let tagged: string;
const line: string[] = [];

beforeAll(async () => {
  fx = await startTwin();
  const web = await fx.twin.store.createRepo({
    owner: "acme",
    name: "web",
    files: [{ path: "a", content: "0\n" }],
  });
  const commit = (branch: string, content: string) =>
    fx.twin.store.commitFiles(web, branch, [{ path: "a", content }], content);
  oldest = await commit("main", "first");
  feature = await commit("feature", "feature");
  tagged = await commit("side", "tagged");
  expect(await web.git.casRef("refs/tags/main", tagged, "0".repeat(40))).toBe(true);
  expect(await web.git.deleteRef("refs/heads/side", tagged)).toBe(true);
  // The oldest commit falls out of main's recent history.
  for (let n = 0; n <= ANCESTRY_DEPTH; n++) line.push((head = await commit("main", `${n}`)));
});
afterAll(() => closeExpectingNoViolations(fx));

const octokit = (): Octokit => fx.octokit as unknown as Octokit;

test("builds of a branch's head and of a feature branch are answered in the guard's query of their commits", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  const verdicts = await cache.fetch(
    octokit(),
    [
      { repo: REPO, base: oldest, head },
      { repo: REPO, base: oldest, head: feature },
    ],
    [
      { repo: REPO, branch: "main", sha: head },
      { repo: REPO, branch: "feature", sha: feature },
    ],
  );
  expect(verdicts).toEqual([true, true]);
  expect(fx.twin.counters.total).toBe(2); // one query, and the pair beyond the depth by compare
  expect(fx.twin.counters.count(COMPARE)).toBe(1);

  // Remembered: the same claims again cost nothing.
  fx.twin.counters.reset();
  expect(await cache.fetch(octokit(), [], [{ repo: REPO, branch: "main", sha: head }])).toEqual([true]);
  expect(fx.twin.counters.total).toBe(0);
});

test("a tag named main, another branch's commit and a missing branch are not on the branch they claim", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  const verdicts = await cache.fetch(
    octokit(),
    [],
    [
      { repo: REPO, branch: "main", sha: tagged },
      { repo: REPO, branch: "main", sha: feature },
      { repo: REPO, branch: "gone", sha: head },
      { repo: REPO, branch: "main", sha: "1".repeat(40) },
    ],
  );
  expect(verdicts).toEqual([false, false, false, false]);
  // Not in main's recent history: each of the three on main asked by a compare with refs/heads/main.
  expect(fx.twin.counters.count("graphql query repository")).toBe(1);
  expect(fx.twin.counters.count(COMPARE)).toBe(3);
});

test("an old commit of the branch, beyond its recent history, is confirmed by one compare", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  expect(await cache.fetch(octokit(), [], [{ repo: REPO, branch: "main", sha: oldest }])).toEqual([true]);
  expect(fx.twin.counters.count(COMPARE)).toBe(1);
  expect(fx.twin.counters.total).toBe(2);
});

test("claims add no query to a full batch: 50 builds of main cost the queries of their pairs alone", async () => {
  const builds = line.slice(-50);
  const pairs = builds.map((sha) => ({ repo: REPO, base: line[50]!, head: sha }));
  fx.twin.counters.reset();
  await new CompareCache().fetch(octokit(), pairs);
  const alone = fx.twin.counters.count("graphql query repository");
  fx.twin.counters.reset();
  const verdicts = await new CompareCache().fetch(
    octokit(),
    pairs,
    builds.map((sha) => ({ repo: REPO, branch: "main", sha })),
  );
  expect(verdicts.every(Boolean)).toBe(true);
  expect(fx.twin.counters.count("graphql query repository")).toBe(alone);
  expect(alone).toBeLessThanOrEqual(2);
  expect(fx.twin.counters.count(COMPARE)).toBe(0);
});
