// Commit.history(since:, after:) paged as GitHub pages it, and the squash merge's default message
// (GitHub's COMMIT_MESSAGES default): what the delivery figures read back from the manifests history.
import { readManifestsHistory } from "../../src/adapters/github/manifests-history.js";
import type { Octokit as AppOctokit } from "../../src/adapters/github/octokit.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(() => closeExpectingNoViolations(fx));

const repo = { owner: "acme", repo: "manifests" };

async function commits(count: number): Promise<string[]> {
  const made: string[] = [];
  for (let i = 0; i < count; i++)
    made.push(
      await fx.twin.store.commitFiles(fx.repo, "main", [{ path: "n.txt", content: `${i}\n` }], `c${i}`),
    );
  return made;
}

const HISTORY = `query($oid: GitObjectID!, $since: GitTimestamp, $after: String) {
  repository(owner: "acme", name: "manifests") { object(oid: $oid) { ... on Commit {
    history(first: 2, since: $since, after: $after) {
      pageInfo { hasNextPage endCursor } nodes { oid message parents(first: 2) { nodes { oid } } }
    } } } }
}`;

interface HistoryPage {
  repository: {
    object: {
      history: {
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        nodes: { oid: string; message: string }[];
      };
    };
  };
}

test("history pages with after: and stops at since:", async () => {
  const made = await commits(5);
  const head = made.at(-1)!;
  const page = (variables: Record<string, unknown>) =>
    fx.octokit.graphql<HistoryPage>(HISTORY, { oid: head, ...variables });
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const { history }: { history: HistoryPage["repository"]["object"]["history"] } = (await page({ after }))
      .repository.object;
    seen.push(...history.nodes.map((node) => node.oid));
    if (!history.pageInfo.hasNextPage) break;
    after = history.pageInfo.endCursor;
  }
  // The five commits, then the initial one: newest first, each once.
  expect(seen.slice(0, 5)).toEqual([...made].reverse());
  expect(seen).toHaveLength(6);
  const future = await page({ since: new Date(Date.now() + 3_600_000).toISOString() });
  expect(future.repository.object.history.nodes).toEqual([]);
  await expect(page({ after: Buffer.from("nonsense").toString("base64") })).rejects.toThrow(
    /does not appear to be a valid cursor/,
  );
});

test("readManifestsHistory reads 100 a query and stops at its page limit", async () => {
  const made = await commits(3);
  const octokit = fx.octokit as unknown as AppOctokit;
  const all = await readManifestsHistory(octokit, { owner: "acme", name: "manifests" }, "main", 0);
  expect(all).toMatchObject({ headOid: made.at(-1), truncated: false, requests: 1 });
  expect(all.commits.slice(0, 3).map((commit) => commit.message.trim())).toEqual(["c2", "c1", "c0"]);
  expect(all.commits[0]!.parents).toEqual([made[1]]);
  const none = await readManifestsHistory(octokit, { owner: "acme", name: "manifests" }, "nope", 0);
  expect(none).toMatchObject({ headOid: undefined, commits: [], requests: 1 });
});

test("a squash merge without a message keeps a one-commit pull request's message, trailers included", async () => {
  const base = (await fx.octokit.rest.git.getRef({ ...repo, ref: "heads/main" })).data.object.sha;
  const message =
    "deploy web v2 to prod\n\n- prod: web v1 -> v2\n\nDeploys: prod ghcr.io/acme/web:v2 acme/web@" +
    "a".repeat(40);
  await fx.twin.store.commitFiles(fx.repo, "feature", [{ path: "x.txt", content: "x\n" }], message);
  const { data: pull } = await fx.octokit.rest.pulls.create({
    ...repo,
    head: "feature",
    base: "main",
    title: "a title",
  });
  const { data: merged } = await fx.octokit.rest.pulls.merge({
    ...repo,
    pull_number: pull.number,
    merge_method: "squash",
  });
  const { data: commit } = await fx.octokit.rest.git.getCommit({ ...repo, commit_sha: merged.sha });
  expect(commit.parents.map((parent) => parent.sha)).toEqual([base]);
  expect(commit.message.trimEnd()).toBe(
    `deploy web v2 to prod (#${pull.number})\n\n- prod: web v1 -> v2\n\nDeploys: prod ghcr.io/acme/web:v2 acme/web@${"a".repeat(40)}`,
  );
});

test("a squash of several commits lists each message as an item under the pull request's title", async () => {
  await fx.twin.store.commitFiles(
    fx.repo,
    "feature",
    [{ path: "x.txt", content: "1\n" }],
    "one\n\nTrailer: a",
  );
  await fx.twin.store.commitFiles(fx.repo, "feature", [{ path: "x.txt", content: "2\n" }], "two");
  const { data: pull } = await fx.octokit.rest.pulls.create({
    ...repo,
    head: "feature",
    base: "main",
    title: "both",
  });
  const { data: merged } = await fx.octokit.rest.pulls.merge({
    ...repo,
    pull_number: pull.number,
    merge_method: "squash",
  });
  const { data: commit } = await fx.octokit.rest.git.getCommit({ ...repo, commit_sha: merged.sha });
  expect(commit.message.trimEnd()).toBe(`both (#${pull.number})\n\n* one\n\nTrailer: a\n\n* two`);
});
