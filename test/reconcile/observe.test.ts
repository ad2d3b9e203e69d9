import { parseConfig, type Config } from "../../src/config/index.js";
import { newestBuild, observe, trackedBranch, type HistoryInfo } from "../../src/core/reconcile/observe.js";
import { EMPTY_STATE, type State } from "../../src/state/state-file.js";

function config(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const CONFIG = config(`sources:
  - repositories: ["acme/*"]
    workflows: [.github/workflows/build.yml]
environments:
  dev: { paths: ["dev/**"], branches: ["**"] }
  qa: { paths: ["qa/**"], branches: ["release"] }
  prod: { paths: ["prod/**"] }
  edge: { paths: ["edge/**"], branches: ["feature/*"] }
`);
const sha = (n: number) => String(n).padStart(2, "0").repeat(20);
const ok = {
  status: "COMPLETED",
  conclusion: "SUCCESS",
  event: "push",
  workflowPath: ".github/workflows/build.yml",
};
const failed = { ...ok, conclusion: "FAILURE" };
const running = { ...ok, status: "IN_PROGRESS", conclusion: null };
const otherWorkflow = { ...ok, workflowPath: ".github/workflows/lint.yml" };
const pullRequestRun = { ...ok, event: "pull_request" };

/** Newest first: commit 1 is the head. */
function history(...suites: (typeof ok)[][]): HistoryInfo {
  return {
    headOid: sha(1),
    commits: suites.map((list, index) => ({
      oid: sha(index + 1),
      date: "2026-11-20T00:00:00Z",
      suites: list,
    })),
  };
}

function rows(
  main: HistoryInfo,
  entries: { environment: string; tag: string | undefined }[],
  state: State = EMPTY_STATE,
  depth = 30,
) {
  return observe({
    config: CONFIG,
    state,
    now: Date.parse("2026-11-22T00:00:00Z"),
    depth,
    entries: entries.map(({ environment, tag }) => ({
      environment,
      tag,
      path: `${environment}/web/kustomization.yaml`,
      image: "ghcr.io/acme/web",
    })),
    sources: new Map([
      [
        "acme/web",
        {
          url: "https://github.com/acme/web",
          defaultBranch: "main",
          histories: new Map([["main", main]]),
          dates: new Map(),
        },
      ],
    ]),
  });
}

test.each([
  ["the build of the head succeeded", [[ok], [ok]], 0, { index: 0, pending: false }],
  ["the head's build failed", [[failed], [ok]], 0, { index: 1, pending: false }],
  ["the head's build is running", [[running], [ok]], 0, { index: 1, pending: true }],
  [
    "another workflow and a pull request's run are not builds",
    [[otherWorkflow, pullRequestRun], [ok]],
    0,
    { index: 1, pending: false },
  ],
  ["no build", [[failed], []], 0, undefined],
])("newest build: %s", (_what, suites, _unused, expected) => {
  expect(newestBuild(CONFIG.sources[0]!, history(...(suites as (typeof ok)[][])))).toEqual(expected);
});

test.each([
  ["dev", "main"],
  ["prod", "main"],
  ["qa", "release"],
  ["edge", undefined],
])("%s follows %s", (environment, branch) => {
  expect(trackedBranch(CONFIG.environments[environment]!, "main")).toBe(branch);
});

test("each environment against the newest successful build of its branch", () => {
  const main = history([failed], [ok], [ok], [ok]);
  const result = rows(main, [
    { environment: "dev", tag: sha(2) }, // the newest successful build: current, 1 behind the head
    { environment: "prod", tag: sha(4) }, // two builds behind: repaired
    { environment: "dev", tag: "v1.2.3" }, // not made from a commit: never replaced
    { environment: "edge", tag: sha(3) }, // no branch to follow
  ]);
  const byTag = new Map(result.map((row) => [`${row.environment} ${row.tag}`, row]));
  expect(byTag.get(`dev ${sha(2)}`)).toMatchObject({ state: { kind: "current" }, behind: 1, repair: false });
  expect(byTag.get(`prod ${sha(4)}`)).toMatchObject({
    state: { kind: "behind", newest: { sha: sha(2) } },
    behind: 3,
    branch: "main",
    repair: true,
  });
  expect(byTag.get("dev v1.2.3")?.state).toMatchObject({ kind: "untracked" });
  expect(byTag.get(`edge ${sha(3)}`)?.state).toMatchObject({ kind: "untracked" });
});

test("a commit not in the whole branch is another branch's build; beyond the depth read it is behind", () => {
  const short = history([ok], [ok]);
  expect(rows(short, [{ environment: "dev", tag: sha(9) }])[0]?.state).toEqual({ kind: "other-branch" });
  const deep = history([ok], [ok]);
  const beyond = rows(deep, [{ environment: "dev", tag: sha(9) }], EMPTY_STATE, 2)[0];
  expect(beyond).toMatchObject({ state: { kind: "behind" }, behind: 2, repair: true });
});

test("held or frozen: behind, shown, not repaired", () => {
  const state: State = {
    freezes: { prod: { by: "alice", at: "2026-11-21T00:00:00Z" } },
    holds: { dev: { "ghcr.io/acme/web": { by: "bob", at: "2026-11-21T00:00:00Z", tag: sha(3) } } },
  };
  const result = rows(
    history([ok], [ok], [ok]),
    [
      { environment: "dev", tag: sha(3) },
      { environment: "prod", tag: sha(3) },
    ],
    state,
  );
  expect(
    result.map((row) => [row.environment, row.state.kind, row.repair, row.hold?.by, row.freeze?.by]),
  ).toEqual([
    ["dev", "behind", false, "bob", undefined],
    ["prod", "behind", false, undefined, "alice"],
  ]);
});

test("a monorepo's images each stand against the newest successful build of their own workflow", () => {
  const monorepo = config(`sources:
  - repositories: [acme/shop]
    images:
      - image: ghcr.io/acme/shop-api
        workflows: [.github/workflows/build-api.yml]
      - image: ghcr.io/acme/shop-web
        workflows: [.github/workflows/build-web.yml]
environments:
  dev: { paths: ["dev/**"], branches: ["**"] }
`);
  const api = { ...ok, workflowPath: ".github/workflows/build-api.yml" };
  const web = { ...ok, workflowPath: ".github/workflows/build-web.yml" };
  // Commit 1 built only the api, commit 2 only the web, commit 3 both.
  const main = history([api], [web], [api, web]);
  const result = observe({
    config: monorepo,
    state: EMPTY_STATE,
    now: Date.parse("2026-11-22T00:00:00Z"),
    depth: 30,
    entries: ["api", "web"].map((name) => ({
      environment: "dev",
      tag: sha(3),
      path: `dev/shop/kustomization.yaml`,
      image: `ghcr.io/acme/shop-${name}`,
    })),
    sources: new Map([
      [
        "acme/shop",
        {
          url: "https://github.com/acme/shop",
          defaultBranch: "main",
          histories: new Map([["main", main]]),
          dates: new Map(),
        },
      ],
    ]),
  });
  expect(result.map((row) => [row.image, row.repository, row.state])).toEqual([
    [
      "ghcr.io/acme/shop-api",
      "acme/shop",
      { kind: "behind", newest: { sha: sha(1), date: main.commits[0]?.date } },
    ],
    [
      "ghcr.io/acme/shop-web",
      "acme/shop",
      { kind: "behind", newest: { sha: sha(2), date: main.commits[1]?.date } },
    ],
  ]);
  // Each row names its image, as the dashboard and /status show it beside the repository.
  expect(result.map((row) => row.part)).toEqual(["shop-api", "shop-web"]);
  expect(rows(history([ok]), [{ environment: "dev", tag: sha(1) }])[0]?.part).toBeUndefined();
  const source = monorepo.sources[0]!;
  expect(newestBuild(source, history([web], [api]), source.images[0])).toEqual({ index: 1, pending: false });
  expect(newestBuild(source, history([api], [web]), source.images[1])).toEqual({ index: 1, pending: false });
});
