// Cross-repository (fork) pull requests as GitHub has them: the head branch lives in the fork, the head
// commit is copied into the base repository (refs/pull/<n>/head), REST and GraphQL name the fork.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createPull, MergeRefused } from "../../twin/pulls.js";
import { branchMoved } from "../../twin/events.js";
import type { RepoRecord } from "../../twin/state.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";

let fx: TwinFixture;
let receiver: Server;
const received: Array<{ event: string; payload: Record<string, unknown> }> = [];

beforeEach(async () => {
  received.length = 0;
  fx = await startTwin();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        event: String(request.headers["x-github-event"]),
        payload: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  fx.app.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  fx.app.webhookSecret = "a-webhook-secret";
});

afterEach(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await closeExpectingNoViolations(fx);
});

/** mallory's fork of acme/manifests with a commit of its own on BRANCH, and the PR it opens from it. */
async function forkPull(branch = BRANCH): Promise<{ fork: RepoRecord; sha: string; number: number }> {
  fx.twin.store.account("mallory"); // a person, not an organization
  const fork = await fx.twin.store.createRepo({
    owner: "mallory",
    name: "manifests",
    forkOf: "acme/manifests",
  });
  const sha = await fx.twin.store.commitFiles(
    fork,
    branch,
    [{ path: "evil.yaml", content: "x: 1\n" }],
    "evil",
  );
  const issue = await createPull(fx.twin, fx.repo, {
    title: "deploy web to prod",
    body: "looks like the app's",
    head: `mallory:${branch}`,
    base: "main",
    draft: false,
    user: fx.twin.store.account("mallory"),
  });
  return { fork, sha, number: issue.number };
}

const PULLS = `query($branch: String!) { repository(owner: "acme", name: "manifests") {
  pullRequests(headRefName: $branch, states: OPEN, first: 20) { nodes {
    number isCrossRepository headRefName headRefOid
    headRepository { nameWithOwner isFork } author { __typename login }
  } }
} }`;

interface PullsAnswer {
  repository: {
    pullRequests: {
      nodes: Array<{
        number: number;
        isCrossRepository: boolean;
        headRefName: string;
        headRefOid: string;
        headRepository: { nameWithOwner: string; isFork: boolean };
        author: { __typename: string; login: string };
      }>;
    };
  };
}

test("a fork starts with its parent's branches; its pull request's head is the fork's, copied to refs/pull/<n>/head", async () => {
  const { fork, sha, number } = await forkPull();
  expect(await fork.git.getRef("refs/heads/main")).toBe(await fx.repo.git.getRef("refs/heads/main"));
  expect(await fx.repo.git.getRef(`refs/pull/${number}/head`)).toBe(sha);
  // The base repository has no such branch: the fork's PR is not one of its branches.
  expect(await fx.repo.git.getRef(`refs/heads/${BRANCH}`)).toBeNull();

  const { data } = await fx.octokit.rest.pulls.get({ owner: "acme", repo: "manifests", pull_number: number });
  expect(data.head).toMatchObject({
    label: `mallory:${BRANCH}`,
    ref: BRANCH,
    sha,
    user: { login: "mallory" },
    repo: { full_name: "mallory/manifests", fork: true },
  });
  expect(data.base.repo.full_name).toBe("acme/manifests");
  expect(data.user.login).toBe("mallory");
  expect(data.changed_files).toBe(1);

  // `head=owner:branch` filters by the head's owner: the fork's PR is mallory's, not acme's.
  const list = async (head: string) =>
    (await fx.octokit.rest.pulls.list({ owner: "acme", repo: "manifests", head })).data.map((p) => p.number);
  expect(await list(`acme:${BRANCH}`)).toEqual([]);
  expect(await list(`mallory:${BRANCH}`)).toEqual([number]);
});

test("GraphQL: pullRequests(headRefName:) matches the fork's PR too; headRepository, isCrossRepository and author tell them apart", async () => {
  const { sha, number } = await forkPull();
  // The app opens its own PR from the same branch name in the base repository: GitHub allows both.
  await fx.twin.store.commitFiles(fx.repo, BRANCH, [{ path: "own.yaml", content: "y: 1\n" }], "own");
  const { data: own } = await fx.octokit.rest.pulls.create({
    owner: "acme",
    repo: "manifests",
    head: BRANCH,
    base: "main",
    title: "deploy web",
  });
  expect(own.user?.login).toBe("gitops-image-bot[bot]");
  const answer = await fx.octokit.graphql<PullsAnswer>(PULLS, { branch: BRANCH });
  expect(answer.repository.pullRequests.nodes).toEqual([
    {
      number,
      isCrossRepository: true,
      headRefName: BRANCH,
      headRefOid: sha,
      headRepository: { nameWithOwner: "mallory/manifests", isFork: true },
      author: { __typename: "User", login: "mallory" },
    },
    {
      number: own.number,
      isCrossRepository: false,
      headRefName: BRANCH,
      headRefOid: own.head.sha,
      headRepository: { nameWithOwner: "acme/manifests", isFork: false },
      // GitHub's GraphQL names an app's bot without REST's "[bot]".
      author: { __typename: "Bot", login: "gitops-image-bot" },
    },
  ]);
});

test("a head in a repository that is not a fork of the base is GitHub's 422", async () => {
  const other = await fx.twin.store.createRepo({
    owner: "mallory",
    name: "manifests",
    files: [{ path: "a", content: "a\n" }],
  });
  await fx.twin.store.commitFiles(other, BRANCH, [{ path: "evil.yaml", content: "x: 1\n" }], "evil");
  const error = await fx.octokit.rest.pulls
    .create({ owner: "acme", repo: "manifests", head: `mallory:${BRANCH}`, base: "main", title: "t" })
    .catch((caught: unknown) => caught);
  expect(error).toMatchObject({ status: 422 });
  await expect(
    createPull(fx.twin, fx.repo, {
      title: "t",
      body: null,
      head: `nobody:${BRANCH}`,
      base: "main",
      draft: false,
      user: fx.twin.store.account("nobody"),
    }),
  ).rejects.toBeInstanceOf(MergeRefused);
  expect([...fx.repo.issues.values()]).toEqual([]);
});

test("a push to the fork's branch updates the PR (synchronize) and a merge lands the fork's commit from the pull ref", async () => {
  const { fork, number } = await forkPull();
  const before = await fork.git.getRef(`refs/heads/${BRANCH}`);
  const after = await fx.twin.store.commitFiles(
    fork,
    BRANCH,
    [{ path: "more.yaml", content: "z\n" }],
    "more",
  );
  await branchMoved(fx.twin, fork, `refs/heads/${BRANCH}`, before!, after, fx.twin.store.account("mallory"));
  await fx.twin.webhooks.settled();
  const synchronize = received.filter(
    (delivery) => delivery.event === "pull_request" && delivery.payload["action"] === "synchronize",
  );
  expect(synchronize.map((delivery) => delivery.payload)).toEqual([
    expect.objectContaining({
      number,
      before,
      after,
      repository: expect.objectContaining({ full_name: "acme/manifests" }),
      pull_request: expect.objectContaining({
        head: expect.objectContaining({
          sha: after,
          repo: expect.objectContaining({ full_name: "mallory/manifests" }),
        }),
      }),
    }),
  ]);
  expect(await fx.repo.git.getRef(`refs/pull/${number}/head`)).toBe(after);

  const { data } = await fx.octokit.rest.pulls.merge({
    owner: "acme",
    repo: "manifests",
    pull_number: number,
    sha: after,
    merge_method: "merge",
  });
  const main = await fx.repo.git.getRef("refs/heads/main");
  expect(main).toBe(data.sha);
  expect(await fx.repo.git.isAncestor(after, main!)).toBe(true);
  expect((await fx.repo.git.readCommit(main!))?.message).toContain(`from mallory/${BRANCH}`);
  // The fork's branch is its owner's: still there.
  expect(await fork.git.getRef(`refs/heads/${BRANCH}`)).toBe(after);
});

test("a fork's PR whose head reaches the base is closed as merged, and a base branch of the same name does not touch it", async () => {
  const { sha, number } = await forkPull("main-fix");
  // A branch of the base repository called like the fork's does not synchronize the fork's PR.
  await fx.twin.store.commitFiles(fx.repo, "main-fix", [{ path: "b", content: "b\n" }], "base's own");
  const base = await fx.repo.git.getRef("refs/heads/main-fix");
  await branchMoved(
    fx.twin,
    fx.repo,
    "refs/heads/main-fix",
    "0".repeat(40),
    base!,
    fx.twin.store.account("alice"),
  );
  const { data: still } = await fx.octokit.rest.pulls.get({
    owner: "acme",
    repo: "manifests",
    pull_number: number,
  });
  expect(still).toMatchObject({ state: "open", head: { sha } });

  // The base branch receives the fork's commit (a fast-forward to the pull ref's commit).
  await fx.octokit.rest.git.updateRef({ owner: "acme", repo: "manifests", ref: "heads/main", sha });
  await fx.twin.webhooks.settled();
  const { data } = await fx.octokit.rest.pulls.get({ owner: "acme", repo: "manifests", pull_number: number });
  expect(data).toMatchObject({ state: "closed", merged: true });
});
