// Delivery figures (DORA) from a seeded manifests history whose figures are computed by hand below.
import { deployHistory, type HistoryCommit } from "../../src/core/dora/deploy-history.js";
import { doraFigures } from "../../src/core/dora/dora-figures.js";
import { median, percentile } from "../../src/core/dora/percentile.js";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();
const sha = (c: string) => c.repeat(40);
const WINDOW = { since: T0, until: T0 + 30 * 1440 * MIN };

function source(c: string, minutes: number | undefined): string {
  return [
    "Source-Repository: acme/web",
    `Source-Commit: ${sha(c)}`,
    ...(minutes === undefined ? [] : [`Source-Committed-At: ${iso(minutes)}`]),
  ].join("\n");
}

/**
 * The history, oldest first (each commit's parent is the one before, unless said):
 *
 * | commit | minute | what                                                        |
 * | ------ | ------ | ----------------------------------------------------------- |
 * | c1     | -2880  | dev web:a (before the window: not counted)                  |
 * | c2     | 60     | dev and prod web:b, source made at 50 -> lead 600 s each    |
 * | c3     | 120    | dev web:c, source at 100 -> lead 1200 s                     |
 * | c4     | 180    | Deploy-Failed dev web:c (a Degraded hold): c3 failed        |
 * | c5     | 300    | dev web:d, source at 290 -> lead 600 s; restores c3: 10800 s|
 * | s1     | 350    | (PR branch, parent c5) prod web:d with trailers             |
 * | c6     | 400    | merge of s1 without trailers: prod web:d, lead 400-290 = 6600 s |
 * | c7     | 500    | /rollback prod web d -> b: c6 failed, restored 6000 s later; no lead |
 * | c8     | 600    | dev api:x, no source time: lead unknown                     |
 * | c9     | 650    | a person's commit, no trailers                              |
 * | c10    | 700    | Deploy-Failed dev api:x: c8 failed, not restored yet        |
 *
 * dev:  deployments b, c, d, x = 4 (4/30 a day); leads [600, 1200, 600]: median 600, p90 (nearest rank
 *       ceil(0.9*3) = 3rd) 1200; failed c and x = 2, rate 0.5; restores [10800], median 10800, 1 open.
 * prod: deployments b, d, b (rollback) = 3 (3/30 a day); leads [600, 6600]: median 3600, p90 (2nd) 6600;
 *       failed d = 1, rate 1/3; restores [6000], median 6000, 0 open.
 */
const SEEDED: HistoryCommit[] = [
  {
    oid: "c1",
    committedAt: at(-2880),
    parents: ["c0"],
    message:
      "deploy web a to dev\n\nDeploys: dev ghcr.io/acme/web:a acme/web@" +
      sha("a") +
      "\n" +
      source("a", -2890),
  },
  {
    oid: "c2",
    committedAt: at(60),
    parents: ["c1"],
    message: `deploy web b to dev, prod\n\n- dev: ...\n\nDeploys: dev ghcr.io/acme/web:b acme/web@${sha("b")}\nDeploys: prod ghcr.io/acme/web:b acme/web@${sha("b")}\n${source("b", 50)}`,
  },
  {
    oid: "c3",
    committedAt: at(120),
    parents: ["c2"],
    message: `deploy web c to dev\n\nDeploys: dev ghcr.io/acme/web:c acme/web@${sha("c")}\n${source("c", 100)}`,
  },
  {
    oid: "c4",
    committedAt: at(180),
    parents: ["c3"],
    message:
      "hold web at c in dev\n\n- hold web at c in dev (by gitops-image-bot[bot]: Degraded: back-off)\n\nDeploy-Failed: dev ghcr.io/acme/web:c",
  },
  {
    oid: "c5",
    committedAt: at(300),
    parents: ["c4"],
    message: `deploy web d to dev\n\nDeploys: dev ghcr.io/acme/web:d acme/web@${sha("d")}\n${source("d", 290)}`,
  },
  {
    oid: "s1",
    committedAt: at(350),
    parents: ["c5"],
    message: `deploy web d to prod\n\nDeploys: prod ghcr.io/acme/web:d acme/web@${sha("d")}\n${source("d", 290)}`,
  },
  {
    oid: "c6",
    committedAt: at(400),
    parents: ["c5", "s1"],
    message: "Merge pull request #7 from acme/gitops-image-bot/prod/web\n\ndeploy web d to prod",
  },
  {
    oid: "c7",
    committedAt: at(500),
    parents: ["c6"],
    message: `deploy web b to prod\n\nDeploys: prod ghcr.io/acme/web:b acme/web@${sha("b")}\nRollback: prod ghcr.io/acme/web d -> b\n${source("b", 50)}`,
  },
  {
    oid: "c8",
    committedAt: at(600),
    parents: ["c7"],
    message: `deploy api x to dev\n\nDeploys: dev ghcr.io/acme/api:x acme/api@${sha("e")}\nSource-Repository: acme/api\nSource-Commit: ${sha("e")}`,
  },
  {
    oid: "c9",
    committedAt: at(650),
    parents: ["c8"],
    message: "README: typo\n\nDeploys are described in docs.",
  },
  {
    oid: "c10",
    committedAt: at(700),
    parents: ["c9"],
    message: "hold api at x in dev\n\nDeploy-Failed: dev ghcr.io/acme/api:x",
  },
];
// As Commit.history lists them: newest first.
const HISTORY = [...SEEDED].reverse();

test("the seeded history gives the hand-computed figures per environment", () => {
  const figures = doraFigures(deployHistory(HISTORY, "c10"), {
    ...WINDOW,
    environments: ["dev", "prod", "qa"],
  });
  expect(figures).toEqual([
    {
      environment: "dev",
      deployments: 4,
      perDay: 4 / 30,
      leadTime: { count: 3, median: 600, p90: 1200 },
      failed: 2,
      changeFailureRate: 0.5,
      restore: { count: 1, median: 10800, open: 1 },
    },
    {
      environment: "prod",
      deployments: 3,
      perDay: 3 / 30,
      leadTime: { count: 2, median: 3600, p90: 6600 },
      failed: 1,
      changeFailureRate: 1 / 3,
      restore: { count: 1, median: 6000, open: 0 },
    },
    {
      environment: "qa",
      deployments: 0,
      perDay: 0,
      leadTime: { count: 0, median: undefined, p90: undefined },
      failed: 0,
      changeFailureRate: undefined,
      restore: { count: 0, median: undefined, open: 0 },
    },
  ]);
});

test("only the first-parent chain counts: the merged commit's own date is not a deployment time", () => {
  const history = deployHistory(HISTORY, "c10");
  const prod = history.steps.flatMap((step) => step.deployments).filter((d) => d.environment === "prod");
  expect(prod.map((d) => [d.oid, d.tag, d.rollback])).toEqual([
    ["c2", "b", false],
    ["c6", "d", false],
    ["c7", "b", true],
  ]);
});

test("a merge commit that carries its own trailers is not counted twice with its merged commit", () => {
  const merged = HISTORY.map((commit) =>
    commit.oid === "c6"
      ? {
          ...commit,
          message: `deploy web d to prod (#7)\n\n${SEEDED[5]!.message.split("\n\n").slice(1).join("\n\n")}`,
        }
      : commit,
  );
  const prod = doraFigures(deployHistory(merged, "c10"), WINDOW).find((f) => f.environment === "prod");
  expect(prod?.deployments).toBe(3);
});

test("the window: a history read from a later head, cut at the window's start", () => {
  // From minute 250: only c5 .. c10 are in the window; c3's failure (c4) is outside, c5 still restores nothing in it.
  const figures = doraFigures(deployHistory(HISTORY, "c10"), {
    since: at(250),
    until: at(1000),
    environments: ["dev"],
  });
  expect(figures[0]).toMatchObject({
    deployments: 2,
    failed: 1,
    restore: { count: 0, median: undefined, open: 1 },
  });
  // A head outside the read history: nothing.
  expect(deployHistory(HISTORY, "zz").steps).toEqual([]);
});

test("median and the nearest-rank p90", () => {
  expect(median([])).toBeUndefined();
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2.5);
  expect(percentile([5], 0.9)).toBe(5);
  expect(
    percentile(
      Array.from({ length: 10 }, (_, i) => i + 1),
      0.9,
    ),
  ).toBe(9);
  expect(
    percentile(
      Array.from({ length: 11 }, (_, i) => i + 1),
      0.9,
    ),
  ).toBe(10);
});
