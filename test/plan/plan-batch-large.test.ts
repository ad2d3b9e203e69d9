// A mass rebuild in one batch: hundreds of builds of distinct images, and hundreds of builds of one
// image. Planning must neither throw nor ask about every pair of builds: the pairs it needs to know
// are linear in builds, and every build ends written or skipped with a reason.
import { expect, test } from "@jest/globals";
import { parseConfig, type Config } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";
import { comparisonsForBatch, planBatch, type BatchFile } from "../../src/core/plan/plan-batch.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import type { Comparison } from "../../src/core/plan/verdict.js";
import type { Wanted } from "../../src/core/plan/wanted.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
    tag: "sha-{sha:8}"
environments:
  dev: { paths: ["apps/*/dev/**"] }
  prod: { paths: ["apps/*/prod/**"] }
`;
const ENVIRONMENTS = ["dev", "prod"];

function config(): Config {
  const result = parseConfig(CONFIG);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** The n-th commit of a repository's main line, as a full SHA (the line's order is n's order). */
const shaOf = (n: number) => `${n.toString(16).padStart(8, "0")}${"e".repeat(32)}`;

function wanted(cfg: Config, service: string, n: number): Wanted {
  const build: Build = {
    trigger: "workflow_run",
    id: `${service}-${n}`,
    repository: {
      owner: "acme",
      name: service,
      defaultBranch: "main",
      htmlUrl: `https://github.com/acme/${service}`,
    },
    sha: shaOf(n),
    branch: "main",
    event: "push",
    workflowPath: ".github/workflows/build.yml",
    url: undefined,
    image: undefined,
    receivedAt: 0,
  };
  const resolution = resolveBuild(cfg, build);
  if (!resolution.ok) throw new Error(resolution.ignored.reason);
  return resolution.wanted;
}

function files(services: readonly string[], deployed: number): BatchFile[] {
  return services.flatMap((service) =>
    ENVIRONMENTS.map((env) => ({
      path: `apps/${service}/${env}/kustomization.yaml`,
      text: `images:\n  - name: ghcr.io/acme/${service}\n    newTag: sha-${shaOf(deployed).slice(0, 8)}\n`,
      images: [`ghcr.io/acme/${service}`],
    })),
  );
}

/** Every repository's commits on one line, ordered by n; counts the questions asked. */
function lineLookup() {
  const asked = { count: 0 };
  const compare = (_repo: string, base: string, head: string): Comparison => {
    asked.count += 1;
    const [b, h] = [parseInt(base.slice(0, 8), 16), parseInt(head.slice(0, 8), 16)];
    return b === h ? "identical" : b < h ? "ahead" : "behind";
  };
  return { compare, asked };
}

const reasonOf = (outcome: { kind: string; skip?: { reason: string } }) =>
  outcome.kind === "written" ? "written" : outcome.skip!.reason;

test("400 builds of distinct images in one batch: all written, a linear number of questions", () => {
  const cfg = config();
  const services = Array.from({ length: 400 }, (_, i) => `svc-${i}`);
  const input = { config: cfg, wanted: services.map((s) => wanted(cfg, s, 5)), files: files(services, 1) };
  const pairs = comparisonsForBatch(input);
  expect(pairs.length).toBeLessThanOrEqual(2 * 2 * 400);
  const { compare, asked } = lineLookup();
  const plan = planBatch(input, compare);
  expect(asked.count).toBeLessThanOrEqual(2 * 400);
  expect(plan.commit.writes).toHaveLength(800);
  const reasons = plan.outcomes.map(reasonOf);
  expect(reasons).toHaveLength(800);
  expect(new Set(reasons)).toEqual(new Set(["written"]));
});

test("400 builds of one image, some arriving out of order: the newest is written, the rest superseded", () => {
  const cfg = config();
  // Commits 2..401 of acme/web, sent mostly in order, every fifth pair swapped; the newest (401) in the middle.
  const order = Array.from({ length: 400 }, (_, i) => i + 2);
  for (let i = 0; i + 1 < order.length; i += 5) [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
  order.splice(order.indexOf(401), 1);
  order.splice(200, 0, 401);
  const input = { config: cfg, wanted: order.map((n) => wanted(cfg, "web", n)), files: files(["web"], 1) };
  // Nothing known yet: the questions of a scan, not of every pair.
  const pairs = comparisonsForBatch(input);
  expect(pairs.length).toBeLessThanOrEqual(2 * 400);
  const { compare, asked } = lineLookup();
  // Once answered, nothing more is needed.
  expect(comparisonsForBatch(input, compare)).toEqual([]);
  asked.count = 0;
  const plan = planBatch(input, compare);
  expect(asked.count).toBeLessThanOrEqual(2 * 400);
  expect(plan.commit.writes.map((write) => write.text)).toEqual(
    ENVIRONMENTS.map(() => expect.stringContaining(`newTag: sha-${shaOf(401).slice(0, 8)}`)),
  );
  const reasons = plan.outcomes.map(reasonOf);
  // Each build in each environment: the newest written, the 399 others superseded by it.
  expect(reasons.filter((r) => r === "written")).toHaveLength(2);
  expect(reasons.filter((r) => r === "superseded")).toHaveLength(2 * 399);
  expect(reasons).toHaveLength(800);
});

test("what the scan needs is asked round by round: each round's answers lead to the newest", () => {
  const cfg = config();
  const order = [3, 2, 6, 4, 5];
  const input = { config: cfg, wanted: order.map((n) => wanted(cfg, "web", n)), files: files(["web"], 1) };
  const { compare } = lineLookup();
  const known = new Map<string, Comparison>();
  const lookup = (repo: string, base: string, head: string) => known.get(`${repo} ${base} ${head}`);
  for (let round = 0; round < 10; round++) {
    const pairs = comparisonsForBatch(input, lookup);
    if (pairs.length === 0) break;
    for (const { repo, base, head } of pairs) known.set(`${repo} ${base} ${head}`, compare(repo, base, head));
  }
  expect(comparisonsForBatch(input, lookup)).toEqual([]);
  const plan = planBatch(input, (repo, base, head) => lookup(repo, base, head) ?? "unknown");
  expect(plan.commit.writes[0]!.text).toContain(`sha-${shaOf(6).slice(0, 8)}`);
  // 4 candidate questions at most per round and the deployed one: far from all 20 ordered pairs.
  expect(known.size).toBeLessThanOrEqual(10);
});
