import { GraphqlResponseError } from "@octokit/graphql";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(() => closeExpectingNoViolations(fx));

const READ = `query($owner: String!, $name: String!, $branch: String!, $file: String!) {
  repository(owner: $owner, name: $name) {
    id
    ref(qualifiedName: $branch) { name target { oid } }
    object(expression: $file) { ... on Blob { oid text byteSize } }
  }
}`;

const COMMIT = `mutation($input: CreateCommitOnBranchInput!) {
  createCommitOnBranch(input: $input) { commit { oid messageHeadline } ref { name } }
}`;

interface ReadResult {
  repository: { id: string; ref: { name: string; target: { oid: string } }; object: { text: string } | null };
}

async function read(): Promise<ReadResult> {
  return fx.octokit.graphql<ReadResult>(READ, {
    owner: "acme",
    name: "manifests",
    branch: "refs/heads/main",
    file: "main:apps/web/overlays/dev/kustomization.yaml",
  });
}

function commitInput(expectedHeadOid: string, text: string) {
  return {
    input: {
      branch: { repositoryNameWithOwner: "acme/manifests", branchName: "main" },
      expectedHeadOid,
      message: { headline: "web: deploy 2222222", body: "Source: acme/web@2222222" },
      fileChanges: {
        additions: [
          {
            path: "apps/web/overlays/dev/kustomization.yaml",
            contents: Buffer.from(text).toString("base64"),
          },
        ],
      },
    },
  };
}

test("one read gives the head and a file; createCommitOnBranch moves the branch by one real commit", async () => {
  const before = await read();
  expect(before.repository.ref.name).toBe("main");
  expect(before.repository.object?.text).toContain("newTag: 1111111111111111111111111111111111111111");
  const head = before.repository.ref.target.oid;

  const next = before.repository.object!.text.replace(/1{40}/, "2".repeat(40));
  const result = await fx.octokit.graphql<{
    createCommitOnBranch: { commit: { oid: string; messageHeadline: string } };
  }>(COMMIT, commitInput(head, next));
  const sha = result.createCommitOnBranch.commit.oid;
  expect(result.createCommitOnBranch.commit.messageHeadline).toBe("web: deploy 2222222");

  const git = fx.repo.git;
  expect(await git.getRef("refs/heads/main")).toBe(sha);
  const commit = await git.readCommit(sha);
  expect(commit?.parents).toEqual([head]);
  expect(commit?.author.name).toBe("gitops-image-bot[bot]");
  expect(commit?.message).toBe("web: deploy 2222222\n\nSource: acme/web@2222222\n");
  const blob = await git.entryAt(sha, "apps/web/overlays/dev/kustomization.yaml");
  expect((await git.readBlob(blob!.sha))!.toString()).toBe(next);
  expect(fx.twin.counters.count("graphql mutation createCommitOnBranch")).toBe(1);
});

test("a stale expectedHeadOid is answered with HTTP 200 and a STALE_DATA error, and nothing is written", async () => {
  const before = await read();
  const head = before.repository.ref.target.oid;
  const moved = await fx.twin.store.commitFiles(
    fx.repo,
    "main",
    [{ path: "other.txt", content: "x\n" }],
    "someone else",
  );

  const error = await fx.octokit.graphql(COMMIT, commitInput(head, "changed\n")).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GraphqlResponseError);
  const errors = (error as GraphqlResponseError<unknown>).errors!;
  expect(errors[0]).toMatchObject({
    type: "STALE_DATA",
    path: ["createCommitOnBranch"],
    message: `Expected branch to point to "${head}" but it did not.  Pull and try again.`,
  });
  expect((error as GraphqlResponseError<unknown>).data).toEqual({ createCommitOnBranch: null });
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(moved);
});

test("a racing writer moves the branch between the app's read and write", async () => {
  const head = (await read()).repository.ref.target.oid;
  fx.twin.faults.race({
    owner: "acme",
    repo: "manifests",
    branch: "main",
    route: "graphql mutation createCommitOnBranch",
  });
  const error = (await fx.octokit
    .graphql(COMMIT, commitInput(head, "a\n"))
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(error.errors?.[0]?.type).toBe("STALE_DATA");
  // the second attempt, re-read, goes through
  const fresh = (await read()).repository.ref.target.oid;
  expect(fresh).not.toBe(head);
  await fx.octokit.graphql(COMMIT, commitInput(fresh, "a\n"));
  expect(await fx.repo.git.commitsBetween(head, "refs/heads/main")).toHaveLength(2);
});

test("a missing repository is a NOT_FOUND error", async () => {
  const error = (await fx.octokit
    .graphql(`query { repository(owner: "acme", name: "nope") { id } }`)
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(error.errors?.[0]).toMatchObject({
    type: "NOT_FOUND",
    message: "Could not resolve to a Repository with the name 'acme/nope'.",
  });
});

test("createRef, createPullRequest, then enablePullRequestAutoMerge is refused in clean status and mergePullRequest merges", async () => {
  const { repository } = await read();
  const head = repository.ref.target.oid;
  await fx.octokit.graphql(
    `mutation($input: CreateRefInput!) { createRef(input: $input) { ref { name } } }`,
    { input: { repositoryId: repository.id, name: "refs/heads/gitops/dev/web", oid: head } },
  );
  const branchCommit = await fx.octokit.graphql<{ createCommitOnBranch: { commit: { oid: string } } }>(
    COMMIT,
    {
      input: {
        ...commitInput(head, "new\n").input,
        branch: { repositoryNameWithOwner: "acme/manifests", branchName: "gitops/dev/web" },
      },
    },
  );
  const created = await fx.octokit.graphql<{
    createPullRequest: { pullRequest: { id: string; number: number; mergeStateStatus: string } };
  }>(
    `mutation($input: CreatePullRequestInput!) { createPullRequest(input: $input) { pullRequest { id number mergeStateStatus } } }`,
    {
      input: {
        repositoryId: repository.id,
        baseRefName: "main",
        headRefName: "gitops/dev/web",
        title: "web: deploy",
      },
    },
  );
  const pr = created.createPullRequest.pullRequest;
  expect(pr.mergeStateStatus).toBe("CLEAN");

  const refusal = (await fx.octokit
    .graphql(
      `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) { pullRequest { id } } }`,
      { id: pr.id },
    )
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(refusal.errors?.[0]).toMatchObject({
    type: "UNPROCESSABLE",
    message: "Pull request Pull request is in clean status",
  });

  const stale = (await fx.octokit
    .graphql(
      `mutation($id: ID!, $oid: GitObjectID!) { mergePullRequest(input: {pullRequestId: $id, expectedHeadOid: $oid}) { pullRequest { merged } } }`,
      { id: pr.id, oid: head },
    )
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(stale.errors?.[0]?.message).toBe("Head branch was modified. Review and try the merge again.");

  const merged = await fx.octokit.graphql<{
    mergePullRequest: { pullRequest: { merged: boolean; state: string; mergeCommit: { oid: string } } };
  }>(
    `mutation($id: ID!, $oid: GitObjectID!) { mergePullRequest(input: {pullRequestId: $id, expectedHeadOid: $oid, mergeMethod: MERGE}) { pullRequest { merged state mergeCommit { oid } } } }`,
    { id: pr.id, oid: branchCommit.createCommitOnBranch.commit.oid },
  );
  expect(merged.mergePullRequest.pullRequest).toMatchObject({ merged: true, state: "MERGED" });
  const mergeCommit = await fx.repo.git.readCommit(merged.mergePullRequest.pullRequest.mergeCommit.oid);
  expect(mergeCommit?.parents).toEqual([head, branchCommit.createCommitOnBranch.commit.oid]);
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(mergeCommit?.sha);
});

test("auto-merge waits for required checks, then merges when they pass", async () => {
  fx.repo.requiredChecks.push("ci");
  const { repository } = await read();
  const head = repository.ref.target.oid;
  const feature = await fx.twin.store.commitFiles(
    fx.repo,
    "feature",
    [{ path: "x.txt", content: "x\n" }],
    "feature",
  );
  const { data: pr } = await fx.octokit.rest.pulls.create({
    owner: "acme",
    repo: "manifests",
    head: "feature",
    base: "main",
    title: "feature",
  });
  expect(pr.number).toBe(1);
  await fx.octokit.graphql(
    `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) { pullRequest { autoMergeRequest { mergeMethod } } } }`,
    { id: pr.node_id },
  );
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(head);
  fx.repo.statuses.push({
    id: 1,
    nodeId: "S_1",
    sha: feature,
    state: "success",
    context: "ci",
    description: null,
    targetUrl: null,
    creator: fx.app.bot,
    createdAt: "2026-01-01T00:00:00Z",
  });
  const { settleAutoMerge } = await import("../../twin/pulls.js");
  await settleAutoMerge(fx.twin, fx.repo);
  const main = await fx.repo.git.getRef("refs/heads/main");
  expect((await fx.repo.git.readCommit(main!))?.parents).toEqual([head]);
  const { data: after } = await fx.octokit.rest.pulls.get({
    owner: "acme",
    repo: "manifests",
    pull_number: 1,
  });
  expect(after).toMatchObject({ merged: true, state: "closed", merge_commit_sha: main });
});

test("a document that GitHub's schema rejects is recorded as a violation", async () => {
  await fx.octokit
    .graphql(`query { repository(owner: "acme", name: "manifests") { noSuchField } }`)
    .catch(() => undefined);
  expect(fx.twin.violations).toHaveLength(1);
  expect(fx.twin.violations[0]).toContain('Cannot query field "noSuchField" on type "Repository"');
  fx.twin.violations.length = 0;
});

test("a field the twin does not serve is recorded with its name", async () => {
  await fx.octokit
    .graphql(`query { repository(owner: "acme", name: "manifests") { stargazerCount } }`)
    .catch(() => undefined);
  expect(fx.twin.violations).toEqual(["the twin does not serve the GraphQL field Repository.stargazerCount"]);
  fx.twin.violations.length = 0;
});

describe("createCommitOnBranch refuses what GitHub refuses, and writes nothing", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["base64url contents", { additions: [{ path: "a.txt", contents: "-_8" }] }, /not valid Base64/],
    ["unpadded base64", { additions: [{ path: "a.txt", contents: "YWJj ZA" }] }, /not valid Base64/],
    ["a leading slash", { additions: [{ path: "/a.txt", contents: "YQ==" }] }, /Invalid path/],
    ["a .. segment", { additions: [{ path: "apps/../a.txt", contents: "YQ==" }] }, /Invalid path/],
    [
      "a path changed twice",
      { additions: [{ path: "a.txt", contents: "YQ==" }], deletions: [{ path: "a.txt" }] },
      /only be changed once/,
    ],
    [
      "a file over a directory",
      { additions: [{ path: "apps", contents: "YQ==" }] },
      /where a directory exists/,
    ],
    ["deleting a directory", { deletions: [{ path: "apps" }] }, /is a directory/],
    ["deleting a missing path", { deletions: [{ path: "nope.txt" }] }, /does not exist/],
  ];
  test.each(cases)("%s", async (_name, fileChanges, message) => {
    const head = (await read()).repository.ref.target.oid;
    const input = { ...commitInput(head, "x").input, fileChanges };
    const error = (await fx.octokit
      .graphql(COMMIT, { input })
      .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
    expect(error.errors?.[0]?.type).toBe("UNPROCESSABLE");
    expect(error.errors?.[0]?.message).toMatch(message);
    expect(await fx.repo.git.getRef("refs/heads/main")).toBe(head);
  });
});
