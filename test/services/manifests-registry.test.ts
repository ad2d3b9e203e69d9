// The installation's manifests repositories, read from the twin: every page of the listing (pages 2..N
// at once, once page 1 says how many there are), the config probes in queries of 100 repositories, and
// a failed read that is not kept.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { ManifestsRegistry } from "../../src/services/manifests-registry.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/overlays/dev/**"] }
`;
/** Repositories before the late manifests repository: it is the 331st, on the listing's page 4. */
const BEFORE = 329;
const LISTING = "GET /installation/repositories";

let fx: TwinFixture;

beforeAll(async () => {
  fx = await startTwin();
  const config = [{ path: ".github/gitops-image-bot.yml", content: CONFIG }];
  // A manifests repository on page 1 and one on page 4; the rest are empty source repositories.
  await fx.twin.store.createRepo({ owner: "acme", name: "early-manifests", files: config });
  for (let n = 1; n < BEFORE; n++) await fx.twin.store.createRepo({ owner: "acme", name: `svc-${n}` });
  await fx.twin.store.createRepo({ owner: "acme", name: "late-manifests", files: config });
  for (let n = 1; n <= 10; n++) await fx.twin.store.createRepo({ owner: "acme", name: `tail-${n}` });
});
afterAll(async () => {
  fx.twin.faults.clear();
  await closeExpectingNoViolations(fx);
});

const octokit = (): Octokit => fx.octokit as unknown as Octokit;
const names = (repos: readonly { name: string }[]) => repos.map((repo) => repo.name).sort();

test("every page is read, pages 2..4 at once: a manifests repository on page 4 is found", async () => {
  fx.twin.faults.setLatency(LISTING, 300);
  fx.twin.counters.reset();
  const registry = new ManifestsRegistry(60_000, Date.now);
  const repos = await registry.list(fx.installation.id, octokit());
  expect(names(repos)).toEqual(["early-manifests", "late-manifests"]);
  expect(repos.every((repo) => repo.config.ok)).toBe(true);
  // 341 repositories: 4 pages, and 4 queries of at most 100 repositories.
  expect(fx.twin.counters.count(LISTING)).toBe(4);
  expect(fx.twin.counters.count("graphql query repository")).toBe(4);
  expect(fx.twin.counters.maxConcurrent).toBeGreaterThanOrEqual(3);
  // Kept: the next build asks nothing.
  fx.twin.counters.reset();
  expect(names(await registry.list(fx.installation.id, octokit()))).toEqual(names(repos));
  expect(fx.twin.counters.total).toBe(0);
  fx.twin.faults.setLatency(LISTING, 0);
});

test("a page that fails fails the read, which is not kept: the next read finds every repository", async () => {
  const registry = new ManifestsRegistry(60_000, Date.now);
  // Page 1 answers; one of pages 2..4 fails (set once they are asked: each waits 200 ms before answering).
  fx.twin.faults.setLatency(LISTING, 200);
  fx.twin.counters.reset();
  const first = registry.list(fx.installation.id, octokit());
  while (fx.twin.counters.count(LISTING) < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  fx.twin.faults.fail(LISTING, 502);
  await expect(first).rejects.toMatchObject({ status: 502 });
  expect(fx.twin.faults.takeFailure(LISTING)).toBeUndefined();
  const again = await registry.list(fx.installation.id, octokit());
  expect(names(again)).toEqual(["early-manifests", "late-manifests"]);
  fx.twin.faults.setLatency(LISTING, 0);
});

test("a failed probe query fails the read too, and the next read probes again", async () => {
  const registry = new ManifestsRegistry(60_000, Date.now);
  fx.twin.faults.fail("graphql query repository", 502);
  await expect(registry.list(fx.installation.id, octokit())).rejects.toMatchObject({ status: 502 });
  expect(names(await registry.list(fx.installation.id, octokit()))).toEqual([
    "early-manifests",
    "late-manifests",
  ]);
});
