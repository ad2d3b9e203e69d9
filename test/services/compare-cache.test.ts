// The ordering guard's answers, from the twin's real git: most from one history query, the rest by compare.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { ANCESTRY_DEPTH } from "../../src/adapters/github/recent-ancestry.js";
import { CompareCache } from "../../src/services/compare-cache.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

let fx: TwinFixture;
let line: string[];
let side: string;
let deep: { base: string; head: string };
const REPO = "acme/web";
const COMPARE = "GET /repos/{owner}/{repo}/compare/{basehead}";

beforeAll(async () => {
  fx = await startTwin();
  const web = await fx.twin.store.createRepo({
    owner: "acme",
    name: "web",
    files: [{ path: "a", content: "0\n" }],
  });
  const commit = (branch: string, n: number) =>
    fx.twin.store.commitFiles(web, branch, [{ path: "a", content: `${branch} ${n}\n` }], `${branch} ${n}`);
  line = [];
  for (let n = 1; n <= 3; n++) line.push(await commit("main", n));
  side = await commit("feature", 1); // branches off main's third commit
  for (let n = 4; n <= 5; n++) line.push(await commit("main", n));
  const deepRepo = await fx.twin.store.createRepo({
    owner: "acme",
    name: "deep",
    files: [{ path: "a", content: "0\n" }],
  });
  const shas: string[] = [];
  for (let n = 0; n <= ANCESTRY_DEPTH + 1; n++)
    shas.push(await fx.twin.store.commitFiles(deepRepo, "main", [{ path: "a", content: `${n}\n` }], `${n}`));
  deep = { base: shas[0]!, head: shas.at(-1)! };
});
afterAll(() => closeExpectingNoViolations(fx));

test("descendants, identical and unknown commits are answered by one query, without a compare each", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  const head = line[4]!;
  await cache.fetch(fx.octokit as unknown as Octokit, [
    { repo: REPO, base: line[0]!, head },
    { repo: REPO, base: line[3]!.slice(0, 7), head },
    { repo: REPO, base: head, head },
    { repo: REPO, base: "1".repeat(40), head },
    { repo: "acme/not-there", base: line[0]!, head },
  ]);
  expect(cache.lookup(REPO, line[0]!, head)).toBe("ahead");
  expect(cache.lookup(REPO, line[3]!.slice(0, 7), head)).toBe("ahead");
  expect(cache.lookup(REPO, head, head)).toBe("identical");
  expect(cache.lookup(REPO, "1".repeat(40), head)).toBe("unknown");
  expect(cache.lookup("acme/not-there", line[0]!, head)).toBe("unknown");
  expect(fx.twin.counters.count(COMPARE)).toBe(0);
  expect(fx.twin.counters.total).toBe(1);
  // Two repositories in one query: the twin counts it once, under one route name.
  expect(fx.twin.counters.count("graphql query repository")).toBe(1);
});

test("two builds of one service in a batch are ordered by one query, both ways", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  await cache.fetch(fx.octokit as unknown as Octokit, [
    { repo: REPO, base: line[2]!, head: line[4]! },
    { repo: REPO, base: line[4]!, head: line[2]! },
  ]);
  expect(cache.lookup(REPO, line[2]!, line[4]!)).toBe("ahead");
  expect(cache.lookup(REPO, line[4]!, line[2]!)).toBe("behind");
  expect(fx.twin.counters.total).toBe(1);
});

test("an older build is answered by its base's history; another line and a deep ancestor by compare", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  await cache.fetch(fx.octokit as unknown as Octokit, [
    { repo: REPO, base: line[4]!, head: line[1]! },
    { repo: REPO, base: line[4]!, head: side },
    { repo: "acme/deep", ...deep },
  ]);
  expect(cache.lookup(REPO, line[4]!, line[1]!)).toBe("behind");
  expect(cache.lookup(REPO, line[4]!, side)).toBe("diverged");
  expect(cache.lookup("acme/deep", deep.base, deep.head)).toBe("ahead");
  expect(fx.twin.counters.count(COMPARE)).toBe(2);

  // Answers are remembered: asking again costs nothing.
  fx.twin.counters.reset();
  await cache.fetch(fx.octokit as unknown as Octokit, [{ repo: REPO, base: line[4]!, head: side }]);
  expect(fx.twin.counters.total).toBe(0);
});

test("once a batch's commits' histories are read, other pairs among them are known without a request", async () => {
  const cache = new CompareCache();
  fx.twin.counters.reset();
  // The first round of ordering a batch: each build against the one that arrived before it.
  await cache.fetch(fx.octokit as unknown as Octokit, [
    { repo: REPO, base: line[1]!, head: line[3]! },
    { repo: REPO, base: line[3]!, head: line[0]! },
    { repo: REPO, base: line[0]!, head: line[4]! },
  ]);
  const requests = fx.twin.counters.total;
  expect(requests).toBe(1);
  // The scan's next questions (line[3] stayed the newest): answered from the histories already read.
  expect(cache.known(REPO, line[3]!, line[4]!)).toBe("ahead");
  expect(cache.known(REPO, line[4]!, line[1]!)).toBe("behind");
  expect(cache.known(REPO, line[0]!, line[0]!)).toBe("identical");
  await cache.fetch(fx.octokit as unknown as Octokit, [{ repo: REPO, base: line[3]!, head: line[4]! }]);
  expect(fx.twin.counters.total).toBe(requests);
  // A commit of another line is not in those histories: that still takes a question.
  expect(cache.known(REPO, line[4]!, side)).toBeUndefined();
});

test("with the head's history read by the snapshot, deployed commits GitHub does not have cost one query, not a compare each", async () => {
  const cache = new CompareCache();
  const head = line[4]!;
  // What the snapshot query brought: the build's own history.
  cache.remember({
    ancestors: new Map([[`${REPO}:${head}`, [...line].reverse()]]),
    bases: new Map(),
    branches: new Map(),
  });
  fx.twin.counters.reset();
  const madeUp = ["1", "2", "3"].map((digit) => digit.repeat(40));
  await cache.fetch(
    fx.octokit as unknown as Octokit,
    madeUp.map((base) => ({ repo: REPO, base, head })),
  );
  for (const base of madeUp) expect(cache.lookup(REPO, base, head)).toBe("unknown");
  expect(fx.twin.counters.count(COMPARE)).toBe(0);
  expect(fx.twin.counters.total).toBe(1);
});
