import { RequestError } from "@octokit/request-error";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(() => closeExpectingNoViolations(fx));

const repo = { owner: "acme", repo: "manifests" };

async function status(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RequestError);
  const requestError = error as RequestError;
  return {
    status: requestError.status,
    message: (requestError.response?.data as { message: string }).message,
  };
}

async function mainSha(): Promise<string> {
  const { data } = await fx.octokit.rest.git.getRef({ ...repo, ref: "heads/main" });
  return data.object.sha;
}

/** Blob, tree on base_tree, commit, ref update: the REST git data way of writing. */
async function commitOnTop(parent: string, path: string, content: string): Promise<string> {
  const { data: parentCommit } = await fx.octokit.rest.git.getCommit({ ...repo, commit_sha: parent });
  const { data: blob } = await fx.octokit.rest.git.createBlob({ ...repo, content, encoding: "utf-8" });
  const { data: tree } = await fx.octokit.rest.git.createTree({
    ...repo,
    base_tree: parentCommit.tree.sha,
    tree: [{ path, mode: "100644", type: "blob", sha: blob.sha }],
  });
  const { data: commit } = await fx.octokit.rest.git.createCommit({
    ...repo,
    message: `edit ${path}`,
    tree: tree.sha,
    parents: [parent],
  });
  return commit.sha;
}

test("the REST git data API writes real commits, and the ref moves only forward unless forced", async () => {
  const base = await mainSha();
  const next = await commitOnTop(base, "a.txt", "a\n");
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: next });
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(next);

  // A commit on the old base is not a fast-forward of the new head.
  const sibling = await commitOnTop(base, "b.txt", "b\n");
  expect(await status(fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: sibling }))).toEqual({
    status: 422,
    message: "Update is not a fast forward",
  });
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(next);
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: sibling, force: true });
  expect(await fx.repo.git.getRef("refs/heads/main")).toBe(sibling);

  // The tree kept every file of the base and added the new one.
  const { data: tree } = await fx.octokit.rest.git.getTree({ ...repo, tree_sha: sibling, recursive: "true" });
  expect(tree.tree.map((entry) => entry.path)).toEqual(
    expect.arrayContaining(["README.md", "apps/web/overlays/dev/kustomization.yaml", "b.txt"]),
  );
  expect(tree.tree.map((entry) => entry.path)).not.toContain("a.txt");
});

test("creating an existing ref is refused; refs can be listed by prefix and deleted", async () => {
  const base = await mainSha();
  await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/gitops/dev/web", sha: base });
  expect(
    await status(fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/gitops/dev/web", sha: base })),
  ).toEqual({
    status: 422,
    message: "Reference already exists",
  });
  const { data: refs } = await fx.octokit.rest.git.listMatchingRefs({ ...repo, ref: "heads/gitops/" });
  expect(refs.map((ref) => ref.ref)).toEqual(["refs/heads/gitops/dev/web"]);
  await fx.octokit.rest.git.deleteRef({ ...repo, ref: "heads/gitops/dev/web" });
  expect(await status(fx.octokit.rest.git.getRef({ ...repo, ref: "heads/gitops/dev/web" }))).toMatchObject({
    status: 404,
  });
});

test("compare reports ahead, behind, identical and diverged from the real merge base", async () => {
  const base = await mainSha();
  const ahead = await commitOnTop(base, "a.txt", "a\n");
  const other = await commitOnTop(base, "b.txt", "b\n");
  const compare = async (basehead: string) =>
    (await fx.octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead })).data;

  expect(await compare(`${base}...${ahead}`)).toMatchObject({
    status: "ahead",
    ahead_by: 1,
    behind_by: 0,
    total_commits: 1,
  });
  expect(await compare(`${ahead}...${base}`)).toMatchObject({ status: "behind", ahead_by: 0, behind_by: 1 });
  expect(await compare(`${base}...${base}`)).toMatchObject({
    status: "identical",
    ahead_by: 0,
    behind_by: 0,
  });
  const diverged = await compare(`${ahead}...${other}`);
  expect(diverged).toMatchObject({ status: "diverged", ahead_by: 1, behind_by: 1 });
  expect(diverged.merge_base_commit.sha).toBe(base);
  expect(diverged.files?.map((file) => file.filename)).toEqual(["b.txt"]);
});

test("contents: a file as base64 or raw, a directory as a list, a missing path as 404", async () => {
  const path = "apps/web/overlays/dev/kustomization.yaml";
  const { data } = await fx.octokit.rest.repos.getContent({ ...repo, path });
  expect(Array.isArray(data)).toBe(false);
  const file = data as { content: string; encoding: string; sha: string };
  expect(Buffer.from(file.content, "base64").toString()).toContain("ghcr.io/acme/web");
  const raw = await fx.octokit.rest.repos.getContent({ ...repo, path, mediaType: { format: "raw" } });
  expect(String(raw.data)).toContain("newTag: 1111111111111111111111111111111111111111");
  const dir = await fx.octokit.rest.repos.getContent({ ...repo, path: "apps/web/overlays" });
  expect((dir.data as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([
    ["dev", "dir"],
  ]);
  expect(await status(fx.octokit.rest.repos.getContent({ ...repo, path: "nope.yaml" }))).toMatchObject({
    status: 404,
  });
});

test("pull requests: create, list by head, update, merge with a stale sha is 409, then merge", async () => {
  const base = await mainSha();
  const head = await commitOnTop(base, "apps/web/overlays/dev/kustomization.yaml", "images: []\n");
  await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/gitops/dev/web", sha: head });
  const { data: pr } = await fx.octokit.rest.pulls.create({
    ...repo,
    head: "gitops/dev/web",
    base: "main",
    title: "web: deploy",
  });
  expect(pr).toMatchObject({
    number: 1,
    state: "open",
    mergeable: true,
    mergeable_state: "clean",
    changed_files: 1,
  });
  expect(
    await status(
      fx.octokit.rest.pulls.create({ ...repo, head: "gitops/dev/web", base: "main", title: "again" }),
    ),
  ).toEqual({ status: 422, message: "Validation Failed" });

  const { data: listed } = await fx.octokit.rest.pulls.list({
    ...repo,
    head: "acme:gitops/dev/web",
    state: "open",
  });
  expect(listed.map((p) => p.number)).toEqual([1]);
  await fx.octokit.rest.pulls.update({ ...repo, pull_number: 1, title: "web: deploy 2" });
  const { data: files } = await fx.octokit.rest.pulls.listFiles({ ...repo, pull_number: 1 });
  expect(files.map((f) => [f.filename, f.status])).toEqual([
    ["apps/web/overlays/dev/kustomization.yaml", "modified"],
  ]);

  expect(await status(fx.octokit.rest.pulls.merge({ ...repo, pull_number: 1, sha: base }))).toEqual({
    status: 409,
    message: "Head branch was modified. Review and try the merge again.",
  });
  const { data: merged } = await fx.octokit.rest.pulls.merge({
    ...repo,
    pull_number: 1,
    sha: head,
    merge_method: "squash",
  });
  expect(merged).toMatchObject({ merged: true, message: "Pull Request successfully merged" });
  const squash = await fx.repo.git.readCommit(merged.sha);
  expect(squash?.parents).toEqual([base]);
  // GitHub's default squash message for a pull request of one commit: that commit's title and body.
  expect(squash?.message).toBe("edit apps/web/overlays/dev/kustomization.yaml (#1)\n");
  expect(await status(fx.octokit.rest.pulls.merge({ ...repo, pull_number: 1 }))).toMatchObject({
    status: 405,
  });
  const { data: after } = await fx.octokit.rest.pulls.get({ ...repo, pull_number: 1 });
  expect(after).toMatchObject({ state: "closed", merged: true, merge_commit_sha: merged.sha });
});

test("pulls.list with a head lacking the owner is recorded: GitHub ignores such a filter", async () => {
  await fx.octokit.rest.pulls.list({ ...repo, head: "gitops/dev/web" });
  expect(fx.twin.violations).toEqual([
    'GET /repos/{owner}/{repo}/pulls: head=gitops/dev/web has no "user:" prefix, so GitHub ignores it and lists every PR',
  ]);
  fx.twin.violations.length = 0;
});

test("collaborator permission folds maintain into write and keeps the role name", async () => {
  fx.repo.collaborators.set("maya", "maintain");
  fx.twin.store.account("maya");
  fx.twin.store.account("rita");
  const { data } = await fx.octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: "maya" });
  expect(data).toMatchObject({ permission: "write", role_name: "maintain" });
  const { data: none } = await fx.octokit.rest.repos.getCollaboratorPermissionLevel({
    ...repo,
    username: "rita",
  });
  expect(none.permission).toBe("none");
});

test("an installation cannot see a repository outside its installation", async () => {
  const other = await fx.twin.store.createRepo({
    owner: "globex",
    name: "private",
    files: [{ path: "a", content: "a" }],
  });
  expect(other.private).toBe(true);
  expect(await status(fx.octokit.rest.repos.get({ owner: "globex", repo: "private" }))).toMatchObject({
    status: 404,
  });
});

test("a pull request whose head is moved into its base is marked merged and closed, as GitHub does", async () => {
  const base = await mainSha();
  const head = await commitOnTop(base, "apps/web/overlays/prod/kustomization.yaml", "images: []\n");
  await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/gitops/prod/web", sha: head });
  await fx.octokit.rest.pulls.create({ ...repo, head: "gitops/prod/web", base: "main", title: "deploy" });

  // Reset the PR's branch to the base head, "for a moment", as a living-PR update would.
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/gitops/prod/web", sha: base, force: true });
  const { data: closed } = await fx.octokit.rest.pulls.get({ ...repo, pull_number: 1 });
  expect(closed).toMatchObject({ state: "closed", merged: true, merge_commit_sha: base });

  // Moving the branch on does not reopen it.
  const next = await commitOnTop(base, "apps/web/overlays/prod/kustomization.yaml", "images: [x]\n");
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/gitops/prod/web", sha: next, force: true });
  expect((await fx.octokit.rest.pulls.get({ ...repo, pull_number: 1 })).data.state).toBe("closed");
});

test("a pull request whose commits reach its base another way is marked merged; one built off the base stays open", async () => {
  const base = await mainSha();
  const head = await commitOnTop(base, "a.txt", "a\n");
  await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/feature", sha: head });
  await fx.octokit.rest.pulls.create({ ...repo, head: "feature", base: "main", title: "feature" });
  const other = await commitOnTop(base, "b.txt", "b\n");
  await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/other", sha: other });
  await fx.octokit.rest.pulls.create({ ...repo, head: "other", base: "main", title: "other" });

  // A new head built off the base and moved in one step: the PR stays open.
  const rebuilt = await commitOnTop(base, "b.txt", "b2\n");
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/other", sha: rebuilt, force: true });
  // The base fast-forwards to the first PR's head (a push of its commits).
  await fx.octokit.rest.git.updateRef({ ...repo, ref: "heads/main", sha: head });

  const { data: first } = await fx.octokit.rest.pulls.get({ ...repo, pull_number: 1 });
  expect(first).toMatchObject({ state: "closed", merged: true });
  const { data: second } = await fx.octokit.rest.pulls.get({ ...repo, pull_number: 2 });
  expect(second).toMatchObject({ state: "open", merged: false });
});
