// The app's Octokit (src/adapters/github/app-octokit.ts) against the twin: writes (GraphQL mutations,
// REST writes) stay a second apart per installation, reads (GraphQL queries, REST GETs) are not spaced
// and do not queue behind writes waiting for their second; the throttling plugin still retries after
// GitHub's `retry-after`. Bounds only: a write can never leave sooner than a second after the one
// before; a read has the seconds the writes behind it must wait to leave first.
import { afterEach, expect, test } from "@jest/globals";
import { appOctokit } from "../../src/adapters/github/app-octokit.js";
import { startTwin, type TwinFixture } from "../twin/twin-fixture.js";

/** Date.now() and a 1000 ms timer may disagree by a millisecond. */
const SECOND = 995;

let fx: TwinFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

interface Sent {
  readonly at: number;
  readonly what: string;
}

const READ = `query ($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) { id defaultBranchRef { target { oid } } }
}`;
const CREATE_REF = `mutation ($input: CreateRefInput!) { createRef(input: $input) { ref { name } } }`;

/** An installation client of the app's Octokit class that records when each request leaves. */
async function client(throttle: Record<string, unknown> = {}) {
  fx = await startTwin();
  const token = fx.twin.store.issueToken(fx.installation.id).token;
  const sent: Sent[] = [];
  const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const body = typeof init?.body === "string" ? init.body : "";
    const method = init?.method ?? "GET";
    const what = body.includes('"query"')
      ? /mutation/.test(body.slice(0, 40))
        ? "mutation"
        : "query"
      : `${method} ${new URL(String(input)).pathname}`;
    sent.push({ at: Date.now(), what });
    return globalThis.fetch(input, init);
  };
  const Octokit = appOctokit();
  const octokit = new Octokit({
    auth: { type: "token", token },
    baseUrl: fx.twin.urls.api,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    request: { fetch },
    throttle: { onRateLimit: () => false, onSecondaryRateLimit: () => false, ...throttle },
  });
  return { octokit, sent, fx };
}

const times = (sent: Sent[], what: string) => sent.filter((s) => s.what === what).map((s) => s.at);

test("GraphQL mutations leave a second apart; queries asked after them are neither spaced nor held behind them", async () => {
  const { octokit, sent, fx } = await client();
  const read = () =>
    octokit.graphql<{ repository: { id: string; defaultBranchRef: { target: { oid: string } } } }>(READ, {
      owner: "acme",
      name: "manifests",
    });
  const { repository } = await read();
  sent.length = 0;
  const oid = repository.defaultBranchRef.target.oid;
  const mutations = [1, 2, 3, 4].map((n) =>
    octokit.graphql(CREATE_REF, {
      input: { repositoryId: repository.id, name: `refs/heads/pace-${n}`, oid },
    }),
  );
  const queries = [1, 2, 3, 4].map(() => read());
  await Promise.all([...mutations, ...queries]);

  const writes = times(sent, "mutation");
  const reads = times(sent, "query");
  expect([writes.length, reads.length]).toEqual([4, 4]);
  // The fourth mutation cannot leave before 3 s after the first; every query left before it. (With
  // Probot's own throttling, each query waited a second behind the mutations: the last left 7 s in.)
  expect(Math.max(...reads)).toBeLessThan(writes[3]!);
  for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(SECOND);
  for (const n of [1, 2, 3, 4]) expect(await fx.repo.git.getRef(`refs/heads/pace-${n}`)).toBe(oid);
});

test("REST writes leave a second apart; REST reads are not spaced", async () => {
  const { octokit, sent, fx } = await client();
  const sha = (await fx.repo.git.getRef("refs/heads/main"))!;
  const status = (n: number) =>
    octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
      owner: "acme",
      repo: "manifests",
      sha,
      state: "success",
      context: `pace/${n}`,
    });
  const get = () => octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "manifests" });
  await Promise.all([status(1), status(2), status(3), get(), get(), get()]);

  const writes = times(sent, `POST /api/v3/repos/acme/manifests/statuses/${sha}`);
  const reads = times(sent, "GET /api/v3/repos/acme/manifests");
  expect([writes.length, reads.length]).toEqual([3, 3]);
  for (let i = 1; i < writes.length; i++) expect(writes[i]! - writes[i - 1]!).toBeGreaterThanOrEqual(SECOND);
  expect(Math.max(...reads)).toBeLessThan(writes[2]!);
  expect(fx.repo.statuses.filter((s) => s.sha === sha)).toHaveLength(3);
});

test("a query that meets GitHub's secondary limit is still retried after its retry-after", async () => {
  const limited: number[] = [];
  const { octokit, sent, fx } = await client({
    onSecondaryRateLimit: (retryAfter: number) => {
      limited.push(retryAfter);
      return true;
    },
  });
  fx.twin.faults.secondaryRateLimit("graphql query repository", { retryAfter: 1 });
  const answer = await octokit.graphql<{ repository: { id: string } }>(READ, {
    owner: "acme",
    name: "manifests",
  });
  expect(answer.repository.id).toEqual(expect.any(String));
  expect(limited).toEqual([1]);
  const attempts = times(sent, "query");
  expect(attempts).toHaveLength(2);
  expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(SECOND);
});
