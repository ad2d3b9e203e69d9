import { RequestError } from "@octokit/request-error";
import { peakInWindow } from "../../twin/faults.js";
import { checkResponseBody } from "../../twin/rest/schema-validator.js";
import { matchRoute } from "../../twin/rest/router.js";
import { octokitFor, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(async () => {
  await fx.close();
});

const repo = { owner: "acme", repo: "manifests" };
const GET_REPO = "GET /repos/{owner}/{repo}";

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  return error as RequestError;
}

test("an injected 502 answers the next request to that route only", async () => {
  fx.twin.faults.fail(GET_REPO, 502);
  expect((await failure(fx.octokit.rest.repos.get(repo))).status).toBe(502);
  expect((await fx.octokit.rest.repos.get(repo)).status).toBe(200);
  expect(fx.twin.counters.count(GET_REPO)).toBe(2);
});

test("the counters log every request in order, REST and GraphQL, until reset", async () => {
  fx.twin.counters.reset();
  await fx.octokit.rest.repos.get(repo);
  await fx.octokit.graphql(`query { repository(owner: "acme", name: "manifests") { id } }`);
  await fx.octokit.rest.repos.get(repo);
  expect(fx.twin.counters.log.map((entry) => entry.route)).toEqual([
    GET_REPO,
    "graphql query repository",
    GET_REPO,
  ]);
  fx.twin.counters.reset();
  expect(fx.twin.counters.log).toEqual([]);
});

test("a secondary rate limit answers 403 or 429 with retry-after and GitHub's message", async () => {
  fx.twin.faults.secondaryRateLimit(GET_REPO, { status: 429, retryAfter: 7 });
  const error = await failure(fx.octokit.rest.repos.get(repo));
  expect(error.status).toBe(429);
  expect(error.response?.headers["retry-after"]).toBe("7");
  expect(error.message).toMatch(/secondary rate limit/);
});

test("the 81st content-creating request within a minute meets the secondary limit", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 81; i += 1) {
    const answer = await fx.octokit.rest.git
      .createBlob({ ...repo, content: `blob ${i}` })
      .then((r) => r.status)
      .catch((e: RequestError) => e.status);
    statuses.push(answer);
  }
  expect(statuses.slice(0, 80).every((s) => s === 201)).toBe(true);
  expect(statuses[80]).toBe(403);
  // reads are not content-creating
  expect((await fx.octokit.rest.repos.get(repo)).status).toBe(200);
  expect(fx.twin.counters.maxContentCreatingPerMinute()).toBe(80);
});

test("refused content-creating requests are counted, and the peak of what the client sent can pass 80", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 85; i += 1) {
    statuses.push(
      await fx.octokit.rest.git
        .createBlob({ ...repo, content: `blob ${i}` })
        .then((r) => r.status)
        .catch((e: RequestError) => e.status),
    );
  }
  expect(statuses.filter((s) => s === 403)).toHaveLength(5);
  expect(fx.twin.counters.secondaryLimitRefused).toHaveLength(5);
  expect(fx.twin.counters.snapshot().secondaryLimitRefusals).toBe(5);
  expect(fx.twin.counters.maxContentCreatingPerMinute()).toBe(80);
  expect(fx.twin.counters.maxContentCreatingPerMinute("received")).toBe(85);
  fx.twin.counters.reset();
  expect(fx.twin.counters.secondaryLimitRefused).toHaveLength(0);
});

test("the peak in a window counts the times less than the window apart", () => {
  expect(peakInWindow([], 60_000)).toBe(0);
  expect(peakInWindow([0, 59_999, 60_000, 60_001], 60_000)).toBe(3);
  expect(peakInWindow([120_000, 0, 1, 2], 60_000)).toBe(3);
});

test("latency per route, and the concurrency counter", async () => {
  fx.twin.faults.setLatency(GET_REPO, 150);
  const started = Date.now();
  await Promise.all([1, 2, 3, 4].map(() => fx.octokit.rest.repos.get(repo)));
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  expect(fx.twin.counters.maxConcurrent).toBe(4);
  expect(fx.twin.counters.snapshot().byRoute).toEqual({ [GET_REPO]: 4 });
});

test("a GitHub route the twin does not serve is a violation naming the route", async () => {
  const error = await failure(fx.octokit.rest.repos.listForks(repo));
  expect(error.status).toBe(501);
  expect(fx.twin.violations).toEqual([
    "the twin does not serve GET /repos/{owner}/{repo}/forks (repos/list-forks)",
  ]);
});

test("a path that is no GitHub route at all is a violation", async () => {
  await failure(fx.octokit.request("GET /repos/{owner}/{repo}/no-such-thing", repo));
  expect(fx.twin.violations).toEqual([
    "GET /repos/acme/manifests/no-such-thing is not a route of GitHub's REST API",
  ]);
});

test("a request body GitHub's schema rejects is a violation and a 422", async () => {
  const error = await failure(
    fx.octokit.request("POST /repos/{owner}/{repo}/git/refs", { ...repo, ref: "refs/heads/x" } as never),
  );
  expect(error.status).toBe(422);
  expect(fx.twin.violations[0]).toMatch(
    /^POST \/repos\/\{owner\}\/\{repo\}\/git\/refs: request body does not match GitHub's schema: .*sha/,
  );
});

test("an answer missing a required field would be caught by the response check", () => {
  const route = matchRoute("GET", "/repos/acme/manifests/git/ref/heads/main")!;
  expect(route.operationId).toBe("git/get-ref");
  expect(route.params).toEqual({ owner: "acme", repo: "manifests", ref: "heads/main" });
  const problem = checkResponseBody(route.operation, 200, { ref: "refs/heads/main", url: "http://x/y" });
  expect(problem).toContain("must have required property 'node_id'");
});

test("bad credentials are a 401", async () => {
  const stranger = octokitFor(fx.twin, { type: "token", token: "ghs_not-a-token" });
  expect((await failure(stranger.rest.repos.get(repo))).status).toBe(401);
});

test("GraphQL mutations count as content-creating and meet the same limit", async () => {
  fx.twin.faults.contentCreatingPerMinute = 2;
  const { repository } = await fx.octokit.graphql<{
    repository: { id: string; ref: { target: { oid: string } } };
  }>(
    `query { repository(owner: "acme", name: "manifests") { id ref(qualifiedName: "main") { target { oid } } } }`,
  );
  const createRef = (name: string) =>
    fx.octokit.graphql(`mutation($input: CreateRefInput!) { createRef(input: $input) { ref { name } } }`, {
      input: { repositoryId: repository.id, name: `refs/heads/${name}`, oid: repository.ref.target.oid },
    });
  await createRef("a");
  await createRef("b");
  const error = await failure(createRef("c"));
  expect(error.status).toBe(403);
  expect(error.message).toMatch(/secondary rate limit/);
  expect(error.response?.headers["retry-after"]).toBe("60");
  expect(await fx.repo.git.getRef("refs/heads/c")).toBeNull();
});

test("the hourly content-creating limit applies too", async () => {
  fx.twin.faults.contentCreatingPerHour = 3;
  const statuses: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    statuses.push(
      await fx.octokit.rest.git
        .createBlob({ ...repo, content: `blob ${i}` })
        .then((r) => r.status)
        .catch((e: RequestError) => e.status),
    );
  }
  expect(statuses).toEqual([201, 201, 201, 403]);
});

test("a malformed app JWT is a 401, not a crash", async () => {
  const response = await fetch(`${fx.twin.urls.api}/app`, {
    headers: { authorization: "Bearer e30.bm90LWpzb24.c2ln" },
  });
  expect(response.status).toBe(401);
  expect(fx.twin.violations).toEqual([]);
});
