// Issue #19, "Observability of the fleet": the replica label on every metric, the deploy queue's figures
// read at scrape time, build-to-commit latency, failed batches, and GitHub's rate limits told apart.
import { RequestError } from "@octokit/request-error";
import { Metrics, type QueueFigures } from "../../src/metrics/metrics.js";
import { buildLatency } from "../../src/metrics/build-latency.js";
import { batchFailure, githubLimit } from "../../src/metrics/github-limit.js";
import type { Outcome } from "../../src/core/plan/outcome.js";
import type { Landing } from "../../src/core/plan/landing.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import type { Build } from "../../src/core/plan/build.js";
import { buildOf } from "../helpers/plan-fixtures.js";

/** The value of one series (`name{labels}` exactly as exposed), or undefined when it is not exposed. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const SECONDARY_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";

describe("the replica label", () => {
  test("every sample of every metric carries replica; the metric names are those without it", async () => {
    const metrics = new Metrics({ replica: "gitops-image-bot-7d9f-abcde" });
    metrics.commit();
    metrics.githubResponse("GET", 200, {});
    metrics.buildLanded("workflow_run", "commit", 3);
    const text = await metrics.text();
    const samples = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    expect(samples.length).toBeGreaterThan(50);
    expect(samples.filter((line) => !line.includes('replica="gitops-image-bot-7d9f-abcde"'))).toEqual([]);
    expect(sample(text, 'gitops_image_bot_commits_total{replica="gitops-image-bot-7d9f-abcde"}')).toBe(1);
    // Stable names: the same `# TYPE` lines as without a replica.
    const types = (t: string) => t.split("\n").filter((line) => line.startsWith("# TYPE"));
    expect(types(text)).toEqual(types(await new Metrics().text()));
  });

  test("without a replica there is no replica label", async () => {
    const text = await new Metrics().text();
    expect(text).not.toContain("replica=");
    expect(sample(text, "gitops_image_bot_commits_total")).toBe(0);
  });
});

describe("the deploy queue's figures", () => {
  test("depth and the oldest job's age come from one read per scrape", async () => {
    const metrics = new Metrics();
    let figures: QueueFigures = { depth: 12, oldestAgeMs: 42_500 };
    let reads = 0;
    metrics.setQueueFigures(async () => {
      reads++;
      await new Promise((resolve) => setImmediate(resolve));
      return figures;
    });
    let text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(12);
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(42.5);
    expect(reads).toBe(1);
    figures = { depth: 0, oldestAgeMs: undefined };
    text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(0);
    // Nothing waits: age 0.
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(0);
    expect(reads).toBe(2);
  });

  test("a read that fails or does not answer in time keeps the last values; the scrape still answers", async () => {
    const metrics = new Metrics({ queueReadTimeoutMs: 50 });
    metrics.setQueueFigures(async () => ({ depth: 5, oldestAgeMs: 9000 }));
    await metrics.text();
    metrics.setQueueFigures(async () => {
      throw new Error("Redis is down");
    });
    let text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(5);
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(9);
    metrics.setQueueFigures(() => new Promise<QueueFigures>(() => undefined));
    text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(5);
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(9);
    // Nonsense is not exposed either.
    metrics.setQueueFigures(async () => ({ depth: Number.NaN, oldestAgeMs: Number.POSITIVE_INFINITY }));
    text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(5);
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(9);
  });

  test("setQueueDepth (a queue that knows no ages) still sets the depth and leaves the age alone", async () => {
    const metrics = new Metrics();
    metrics.setQueueFigures(async () => ({ depth: 2, oldestAgeMs: 4000 }));
    await metrics.text();
    metrics.setQueueDepth(() => 7);
    const text = await metrics.text();
    expect(sample(text, "gitops_image_bot_queue_depth")).toBe(7);
    expect(sample(text, "gitops_image_bot_queue_oldest_job_age_seconds")).toBe(4);
  });
});

describe("build-to-commit latency", () => {
  test("a histogram by trigger and landing, buckets from 1 s to 1 h", async () => {
    const metrics = new Metrics();
    metrics.buildLanded("workflow_run", "commit", 0.4);
    metrics.buildLanded("workflow_run", "commit", 95);
    metrics.buildLanded("build", "pull-request", 7);
    metrics.buildLanded("registry", "commit", -1); // a clock that went back: not observed
    const text = await metrics.text();
    const p = "gitops_image_bot_build_to_commit_seconds";
    expect(text).toContain(`# TYPE ${p} histogram`);
    const bucket = (le: string, trigger = "workflow_run", landing = "commit") =>
      sample(text, `${p}_bucket{le="${le}",trigger="${trigger}",landing="${landing}"}`);
    expect(bucket("1")).toBe(1);
    expect(bucket("60")).toBe(1);
    expect(bucket("120")).toBe(2);
    expect(bucket("3600")).toBe(2);
    expect(bucket("+Inf")).toBe(2);
    expect(bucket("10", "build", "pull-request")).toBe(1);
    expect(sample(text, `${p}_sum{trigger="workflow_run",landing="commit"}`)).toBeCloseTo(95.4);
    expect(text).not.toContain('trigger="registry"');
    const les = [...text.matchAll(/build_to_commit_seconds_bucket\{le="([^"]+)",trigger="build"/g)].map(
      (m) => m[1],
    );
    expect(les).toEqual([
      "1",
      "2",
      "5",
      "10",
      "20",
      "30",
      "60",
      "120",
      "300",
      "600",
      "1200",
      "1800",
      "3600",
      "+Inf",
    ]);
  });

  const wanted = (build: Build): Wanted => ({ build }) as unknown as Wanted;
  const written = (build: Build): Outcome =>
    ({ kind: "written", wanted: wanted(build), environment: "prod", updates: [] }) as Outcome;

  test("from the build's arrival to its commit; once per build and landing; not for passes and commands", () => {
    const seen: Array<[string, string, number]> = [];
    let clock = 100_000;
    const latency = buildLatency(
      (trigger, landing, seconds) => seen.push([trigger, landing, seconds]),
      () => clock,
    );
    const run = buildOf("acme/web", "a".repeat(40), { id: "d1", receivedAt: 88_000 });
    const pushed = buildOf("acme/api", "b".repeat(40), { id: "d2", trigger: "registry", receivedAt: 99_000 });
    const pass = buildOf("acme/db", "c".repeat(40), { id: "p1", trigger: "reconcile", receivedAt: 0 });
    const command = buildOf("acme/db", "d".repeat(40), { id: "c1", trigger: "command", receivedAt: 0 });
    latency.onCommit({ builds: [run, pushed, pass, command, run] });
    clock = 130_000;
    // The same build in a later commit (a follow-up for files found later): not again.
    latency.onCommit({ builds: [run] });
    expect(seen).toEqual([
      ["workflow_run", "commit", 12],
      ["registry", "commit", 1],
    ]);
  });

  test("a pull request counts when the app merged it at once, not while it waits for a review", () => {
    const seen: Array<[string, string, number]> = [];
    const latency = buildLatency(
      (trigger, landing, seconds) => seen.push([trigger, landing, seconds]),
      () => 60_000,
    );
    const merged = buildOf("acme/web", "a".repeat(40), { id: "d1", trigger: "build", receivedAt: 30_000 });
    const waiting = buildOf("acme/api", "b".repeat(40), { id: "d2", receivedAt: 0 });
    const pull = (isMerged: boolean): Landing => ({
      kind: "pull-request",
      url: "u",
      label: "#1",
      merged: isMerged,
    });
    latency.onOutcomes([
      { outcome: written(merged), landing: pull(true) },
      { outcome: { ...written(merged), environment: "qa" } as Outcome, landing: pull(true) },
      { outcome: written(waiting), landing: pull(false) },
      { outcome: written(waiting), landing: undefined },
    ]);
    expect(seen).toEqual([["build", "pull-request", 30]]);
  });
});

describe("failed batches", () => {
  test("counted by reason, every reason starting at 0", async () => {
    const metrics = new Metrics();
    metrics.batchFailed("rate-limit");
    metrics.batchFailed("rate-limit");
    const text = await metrics.text();
    expect(sample(text, 'gitops_image_bot_batches_failed_total{reason="rate-limit"}')).toBe(2);
    for (const reason of ["github", "network", "other"])
      expect(sample(text, `gitops_image_bot_batches_failed_total{reason="${reason}"}`)).toBe(0);
  });

  const requestError = (status: number, headers: Record<string, string>, data: unknown) =>
    new RequestError(
      typeof data === "object" ? String((data as { message?: string }).message) : "x",
      status,
      {
        request: { method: "POST", url: "https://api.github.com/graphql", headers: {} },
        response: { status, url: "https://api.github.com/graphql", headers, data },
      },
    );

  test("batchFailure names why from the error", () => {
    expect(batchFailure(requestError(403, { "retry-after": "60" }, { message: SECONDARY_MESSAGE }))).toBe(
      "rate-limit",
    );
    expect(
      batchFailure(requestError(403, { "x-ratelimit-remaining": "0" }, { message: "API rate limit" })),
    ).toBe("rate-limit");
    expect(batchFailure(requestError(403, {}, { message: "Resource not accessible by integration" }))).toBe(
      "github",
    );
    expect(batchFailure(requestError(502, {}, { message: "Bad Gateway" }))).toBe("github");
    // @octokit/request's failed fetch: status 500 without a response.
    const refused = new RequestError("fetch failed", 500, {
      request: { method: "GET", url: "https://api.github.com/", headers: {} },
    });
    expect(batchFailure(refused)).toBe("network");
    expect(batchFailure(new Error("acme/manifests: the branch kept moving; gave up after 6 attempts"))).toBe(
      "other",
    );
  });
});

describe("GitHub's rate limits told apart", () => {
  test.each<[string, number, Record<string, string>, unknown, string]>([
    [
      "a 403 saying secondary rate limit",
      403,
      { "retry-after": "60" },
      { message: SECONDARY_MESSAGE },
      "secondary",
    ],
    ["a 429 saying so, without retry-after", 429, {}, { message: SECONDARY_MESSAGE }, "secondary"],
    [
      "a 403 with retry-after while requests are left",
      403,
      { "retry-after": "30", "x-ratelimit-remaining": "4000" },
      {},
      "secondary",
    ],
    [
      "a 403 with x-ratelimit-remaining 0",
      403,
      { "x-ratelimit-remaining": "0" },
      { message: "API rate limit exceeded for installation ID 1." },
      "primary",
    ],
    ["a 429 with x-ratelimit-remaining 0", 429, { "x-ratelimit-remaining": "0" }, {}, "primary"],
    [
      "GraphQL's RATE_LIMITED error",
      200,
      {},
      { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded" }] },
      "primary",
    ],
    [
      "a 403 for a missing permission",
      403,
      { "x-ratelimit-remaining": "4999" },
      { message: "Resource not accessible by integration" },
      "none",
    ],
    ["a 404", 404, {}, { message: "Not Found" }, "none"],
    ["a 200", 200, { "x-ratelimit-remaining": "0" }, {}, "none"],
  ])("%s: %s", (_name, status, headers, body, expected) => {
    expect(githubLimit(status, headers, body)).toBe(expected);
  });

  test("github_requests_total carries the limit", async () => {
    const metrics = new Metrics();
    metrics.githubResponse("post", 403, { "retry-after": "60" }, { message: SECONDARY_MESSAGE });
    metrics.githubResponse(
      "get",
      403,
      { "x-ratelimit-remaining": "0" },
      { message: "API rate limit exceeded" },
    );
    metrics.githubResponse("get", 403, {}, { message: "Must have admin rights to Repository." });
    const text = await metrics.text();
    const series = (method: string, limit: string) =>
      sample(
        text,
        `gitops_image_bot_github_requests_total{method="${method}",status="403",limit="${limit}"}`,
      );
    expect(series("POST", "secondary")).toBe(1);
    expect(series("GET", "primary")).toBe(1);
    expect(series("GET", "none")).toBe(1);
  });
});
