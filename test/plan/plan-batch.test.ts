import { parseConfig, type Config } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";
import { planBatch, comparisonsForBatch } from "../../src/core/plan/plan-batch.js";
import type { Comparison } from "../../src/core/plan/verdict.js";
import { judgeBuild } from "../../src/core/plan/verdict.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import type { State } from "../../src/state/state-file.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
    tag: "sha-{sha:8}"
environments:
  dev:
    paths: ["apps/*/dev/**"]
    branches: ["**"]
  prod:
    paths: ["apps/*/prod/**"]
    mode: pull-request
`;

function config(text = CONFIG): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);

function build(sha: string, branch = "main", id = sha): Build {
  return {
    trigger: "workflow_run",
    id,
    repository: { owner: "acme", name: "web", defaultBranch: "main", htmlUrl: "https://github.com/acme/web" },
    sha,
    branch,
    event: "push",
    workflowPath: ".github/workflows/build.yml",
    url: undefined,
    image: undefined,
    receivedAt: 0,
  };
}

function wanted(sha: string, branch = "main") {
  const resolution = resolveBuild(config(), build(sha, branch));
  if (!resolution.ok) throw new Error(resolution.ignored.reason);
  return resolution.wanted;
}

const file = (env: string, tag: string) => ({
  path: `apps/web/${env}/kustomization.yaml`,
  text: `images:\n  - name: ghcr.io/acme/web\n    newTag: ${tag} # keep\n`,
  images: ["ghcr.io/acme/web"],
});

/** `history`: each SHA's ancestors, oldest first (A <- B <- C on main). */
function lookup(order: string[]) {
  return (_repo: string, base: string, head: string): Comparison => {
    const i = order.findIndex((sha) => sha.startsWith(base));
    const j = order.findIndex((sha) => sha.startsWith(head));
    if (i === -1 || j === -1) return "unknown";
    return i === j ? "identical" : i < j ? "ahead" : "behind";
  };
}

test.each([
  [undefined, undefined, true],
  ["x", "ahead", true],
  ["x", "identical", false],
  ["x", "behind", false],
  ["x", "diverged", false],
  ["x", "unknown", true],
] as const)("judgeBuild(deployed %s, %s) accepts: %s", (deployed, comparison, accept) => {
  expect(judgeBuild(deployed, comparison).accept).toBe(accept);
});

test("a newer build is written to commit environments and proposed for pull-request ones", () => {
  const plan = planBatch(
    {
      config: config(),
      wanted: [wanted(B)],
      files: [file("dev", "sha-aaaaaaaa"), file("prod", "sha-aaaaaaaa")],
    },
    lookup([A, B, C]),
  );
  expect(plan.commit.writes).toEqual([
    { path: "apps/web/dev/kustomization.yaml", text: expect.stringContaining("newTag: sha-bbbbbbbb # keep") },
  ]);
  expect(
    plan.pullRequests.map((pr) => [pr.environment, pr.writes[0]!.text.includes("sha-bbbbbbbb")]),
  ).toEqual([["prod", true]]);
  expect(plan.commit.updates[0]).toMatchObject({ fromTag: "sha-aaaaaaaa", fromSha: "aaaaaaaa", line: 3 });
});

test.each([
  ["an older build", [A, B, C], C, "older-than-deployed"],
  ["a diverged build", [A, B], "d".repeat(40), "written"],
  ["the same build", [A, B, C], B, "already-deployed"],
])("%s is judged against what each file deploys", (_name, order, sha, expected) => {
  const compare = (repo: string, base: string, head: string): Comparison =>
    head.startsWith("d") || base.startsWith("d") ? "diverged" : lookup(order)(repo, base, head);
  const plan = planBatch(
    {
      config: config(),
      wanted: [wanted(sha === C ? A : sha)],
      files: [file("dev", sha === C ? "sha-cccccccc" : "sha-bbbbbbbb")],
    },
    compare,
  );
  const outcome = plan.outcomes[0]!;
  const kind = outcome.kind === "skipped" ? outcome.skip.reason : outcome.kind;
  expect(kind).toBe(expected === "written" ? "diverged-from-deployed" : expected);
  expect(plan.commit.writes).toEqual([]);
});

test("of several builds of one image in a batch, the descendant wins and the others are superseded", () => {
  const input = {
    config: config(),
    wanted: [wanted(C), wanted(A), wanted(B)],
    files: [file("dev", "sha-00000000")],
  };
  const pairs = comparisonsForBatch(input);
  expect(pairs.length).toBeGreaterThan(0);
  const plan = planBatch(input, lookup([A, B, C]));
  expect(plan.commit.writes[0]!.text).toContain("sha-cccccccc");
  const superseded = plan.outcomes.filter(
    (outcome) => outcome.kind === "skipped" && outcome.skip.reason === "superseded",
  );
  expect(superseded).toHaveLength(2);
});

test("a feature-branch build reaches only environments whose branches allow it", () => {
  const plan = planBatch(
    {
      config: config(),
      wanted: [wanted(B, "feature/x")],
      files: [file("dev", "sha-aaaaaaaa"), file("prod", "sha-aaaaaaaa")],
    },
    lookup([A, B]),
  );
  expect(plan.commit.writes).toHaveLength(1);
  expect(plan.pullRequests).toEqual([]);
  expect(
    plan.outcomes.some(
      (outcome) => outcome.kind === "skipped" && outcome.skip.reason === "branch-not-allowed",
    ),
  ).toBe(true);
});

test("a file that does not parse is skipped with its line; the other files are still written", () => {
  const broken = {
    path: "apps/web/dev/values.yaml",
    text: "image: [ghcr.io/acme/web\n",
    images: ["ghcr.io/acme/web"],
  };
  const plan = planBatch(
    { config: config(), wanted: [wanted(B)], files: [broken, file("dev", "sha-aaaaaaaa")] },
    lookup([A, B]),
  );
  expect(plan.commit.writes.map((write) => write.path)).toEqual(["apps/web/dev/kustomization.yaml"]);
  const skip = plan.outcomes.find((outcome) => outcome.kind === "skipped");
  expect(skip).toMatchObject({ path: "apps/web/dev/values.yaml", skip: { reason: "unparsable-file" } });
});

const EXPLICIT = { by: "carol", environments: ["dev", "prod"], force: false, anyBranch: false };

describe("holds and freezes", () => {
  const AT = "2026-11-22T10:00:00Z";
  const NOW = Date.parse("2026-11-22T11:00:00Z");
  const input = (state: State, explicit = false) => ({
    config: config(),
    wanted: [explicit ? { ...wanted(B), explicit: EXPLICIT } : wanted(B)],
    files: [file("dev", "sha-aaaaaaaa"), file("prod", "sha-aaaaaaaa")],
    stops: { state, now: NOW },
  });
  const skips = (plan: ReturnType<typeof planBatch>) =>
    plan.outcomes.flatMap((outcome) =>
      outcome.kind === "skipped" ? [[outcome.environment, outcome.skip.reason]] : [],
    );

  test("a frozen environment takes no automatic change, and says by whom and until when", () => {
    const state = {
      freezes: { prod: { by: "bob", at: AT, until: "2026-11-22T12:00:00Z", reason: "incident" } },
      holds: {},
    };
    const plan = planBatch(input(state), lookup([A, B]));
    expect(plan.commit.writes.map((write) => write.path)).toEqual(["apps/web/dev/kustomization.yaml"]);
    expect(plan.pullRequests).toEqual([]);
    expect(plan.outcomes).toContainEqual(
      expect.objectContaining({
        environment: "prod",
        skip: { reason: "frozen", by: "bob", until: "2026-11-22T12:00:00Z", why: "incident" },
      }),
    );
  });

  test("an ended freeze stops nothing", () => {
    const state = { freezes: { prod: { by: "bob", at: AT, until: "2026-11-22T10:30:00Z" } }, holds: {} };
    const plan = planBatch(input(state), lookup([A, B]));
    expect(plan.pullRequests.map((change) => change.environment)).toEqual(["prod"]);
    expect(skips(plan)).toEqual([]);
  });

  test("a hold keeps its image where it is in that environment only", () => {
    const hold = { by: "alice", at: AT, tag: "sha-aaaaaaaa", reason: "rollback" };
    const state = { freezes: {}, holds: { dev: { "ghcr.io/acme/web": hold } } };
    const plan = planBatch(input(state), lookup([A, B]));
    expect(plan.commit.writes).toEqual([]);
    expect(plan.pullRequests.map((change) => change.environment)).toEqual(["prod"]);
    expect(skips(plan)).toEqual([["dev", "held"]]);
  });

  test("a person's explicit change goes through a freeze and a hold", () => {
    const hold = { by: "alice", at: AT, tag: "sha-aaaaaaaa" };
    const state = { freezes: { prod: { by: "bob", at: AT } }, holds: { dev: { "ghcr.io/acme/web": hold } } };
    const plan = planBatch(input(state, true), lookup([A, B]));
    expect(plan.commit.writes.map((write) => write.path)).toEqual(["apps/web/dev/kustomization.yaml"]);
    expect(plan.pullRequests.map((change) => change.environment)).toEqual(["prod"]);
  });
});

describe("a change a person asked for", () => {
  const explicit = (sha: string, overrides: Partial<typeof EXPLICIT> = {}, branch = "main") => ({
    ...wanted(sha, branch),
    explicit: { ...EXPLICIT, ...overrides },
  });
  const plan = (wanted: ReturnType<typeof explicit>[], deployed = B) =>
    planBatch(
      {
        config: config(),
        wanted,
        files: [file("dev", `sha-${deployed.slice(0, 8)}`), file("prod", `sha-${deployed.slice(0, 8)}`)],
      },
      lookup([A, B, C]),
    );
  const skips = (result: ReturnType<typeof planBatch>) =>
    result.outcomes.flatMap((outcome) =>
      outcome.kind === "skipped" ? [[outcome.environment, outcome.skip.reason]] : [],
    );

  test("goes only to the environments named", () => {
    const result = plan([explicit(C, { environments: ["dev"] })]);
    expect(result.commit.writes.map((write) => write.path)).toEqual(["apps/web/dev/kustomization.yaml"]);
    expect(result.pullRequests).toEqual([]);
    expect(skips(result)).toEqual([]);
  });

  test("an older build is refused without force, and written with it", () => {
    expect(skips(plan([explicit(A, { environments: ["dev"] })]))).toEqual([["dev", "older-than-deployed"]]);
    const forced = plan([explicit(A, { environments: ["dev"], force: true })]);
    expect(forced.commit.writes).toEqual([
      expect.objectContaining({ text: expect.stringContaining("newTag: sha-aaaaaaaa # keep") }),
    ]);
  });

  test("beats an automatic build of the same image in the same batch, whichever came first", () => {
    const rollback = explicit(A, { environments: ["dev"], force: true });
    for (const order of [
      [wanted(C), rollback],
      [rollback, wanted(C)],
    ]) {
      const result = planBatch(
        { config: config(), wanted: order, files: [file("dev", "sha-bbbbbbbb")] },
        lookup([A, B, C]),
      );
      expect(result.commit.writes[0]?.text).toContain("newTag: sha-aaaaaaaa");
      expect(result.outcomes).toContainEqual(
        expect.objectContaining({ kind: "skipped", wanted: order.find((w) => !("explicit" in w)) }),
      );
    }
  });

  test("keeps the environment's branch rule unless the tag ran there before", () => {
    const feature = explicit(C, { environments: ["prod"] }, "feature/x");
    expect(skips(plan([feature]))).toEqual([["prod", "branch-not-allowed"]]);
    const restored = explicit(A, { environments: ["prod"], force: true, anyBranch: true }, "feature/x");
    expect(plan([restored]).pullRequests.map((change) => change.environment)).toEqual(["prod"]);
  });
});
