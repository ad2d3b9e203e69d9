import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { GitRepo, ZERO_SHA } from "../../twin/git/git-repo.js";
import { gitText, runGit } from "../../twin/git/run-git.js";

let dir: string;
let repo: GitRepo;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "twin-cat-file-"));
  repo = await GitRepo.init(join(dir, "r.git"), "main");
});
afterAll(async () => {
  repo.close();
  await rm(dir, { recursive: true, force: true });
});

test("blobs written in process are the objects git itself would write, and read back through one reader", async () => {
  const contents = [
    Buffer.from("hello\n"),
    Buffer.alloc(0),
    Buffer.from("x".repeat(300_000)),
    Buffer.from([0, 10, 255]),
  ];
  for (const content of contents) {
    const sha = await repo.writeBlob(content);
    expect(sha).toBe((await gitText(repo.dir, ["hash-object", "--stdin"], { input: content })).trim());
    expect(await gitText(repo.dir, ["cat-file", "-t", sha])).toBe("blob\n");
  }
  // Many questions at once come back in order, each with its own answer.
  const read = await Promise.all(
    contents.flatMap((content) => [repo.writeBlob(content).then((sha) => repo.readBlob(sha))]),
  );
  expect(read).toEqual(contents);
});

test("missing, malformed and wrongly typed names answer null; entries carry git's mode and size", async () => {
  expect(await repo.readBlob("0".repeat(40))).toBeNull();
  expect(await repo.readBlob("main\ninfo HEAD")).toBeNull();
  const blob = await repo.writeBlob(Buffer.from("#!/bin/sh\n"));
  const tree = await repo.writeTree(null, [
    { path: "bin/run.sh", mode: "100755", sha: blob },
    { path: "README", mode: "100644", sha: blob },
  ]);
  const commit = await repo.writeCommit({
    tree,
    parents: [],
    message: "one\n",
    author: { name: "a", email: "a@example.com" },
    committer: { name: "a", email: "a@example.com" },
  });
  expect(await repo.hasObject(blob, "commit")).toBe(false);
  expect(await repo.readCommit(blob)).toBeNull();
  expect((await repo.readCommit(commit))?.tree).toBe(tree);
  expect(await repo.entryAt(commit, "bin/run.sh")).toEqual({
    path: "bin/run.sh",
    mode: "100755",
    type: "blob",
    sha: blob,
    size: 10,
  });
  expect(await repo.entryAt(commit, "bin")).toMatchObject({ mode: "040000", type: "tree" });
  expect(await repo.entryAt(commit, "README")).toMatchObject({ mode: "100644", size: 10 });
  for (const path of ["bin/../README", "bin/missing", "README/x", "./README"])
    expect(await repo.entryAt(commit, path)).toBeNull();
});

test("a reader that died is started again on the next question", async () => {
  const sha = await repo.writeBlob(Buffer.from("again\n"));
  repo.close();
  expect(await repo.readBlob(sha)).toEqual(Buffer.from("again\n"));
});

test("refs are read from their files and from packed-refs as git reads them", async () => {
  const tree = await repo.writeTree(null, []);
  const commit = (message: string) =>
    repo.writeCommit({
      tree,
      parents: [],
      message,
      author: { name: "a", email: "a@example.com" },
      committer: { name: "a", email: "a@example.com" },
    });
  const gitSays = async (ref: string) =>
    (await runGit(repo.dir, ["rev-parse", "--verify", "--quiet", ref], { okCodes: [1] })).stdout
      .toString("utf8")
      .trim() || null;
  const [one, two] = [await commit("ref one\n"), await commit("ref two\n")];
  expect(await repo.casRef("refs/heads/topic", one, ZERO_SHA)).toBe(true);
  await gitText(repo.dir, ["symbolic-ref", "refs/heads/alias", "refs/heads/topic"]);
  const refs = [
    "refs/heads/topic",
    "refs/heads/alias",
    "refs/heads/none",
    "refs/heads/topic/x",
    "refs/tags/v1",
  ];
  const read = async () => Promise.all(refs.map((ref) => repo.getRef(ref)));
  expect(await read()).toEqual([one, one, null, null, null]);
  expect(await read()).toEqual(await Promise.all(refs.map(gitSays)));

  // Packed: the loose files are gone, packed-refs answers.
  await gitText(repo.dir, ["tag", "v1", two]);
  await gitText(repo.dir, ["pack-refs", "--all"]);
  expect(await read()).toEqual([one, one, null, null, two]);
  expect(await read()).toEqual(await Promise.all(refs.map(gitSays)));

  // Moved (a loose file again over the packed line), then deleted (from both).
  expect(await repo.casRef("refs/heads/topic", two, one)).toBe(true);
  expect(await read()).toEqual([two, two, null, null, two]);
  expect(await repo.deleteRef("refs/heads/topic", two)).toBe(true);
  expect(await read()).toEqual([null, null, null, null, two]);
  expect(await read()).toEqual(await Promise.all(refs.map(gitSays)));
});

test("a history walked in process lists what git rev-list lists: merges, equal dates and skewed clocks", async () => {
  const tree = await repo.writeTree(null, []);
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
  const commit = (message: string, parents: string[], minute: number) =>
    repo.writeCommit({
      tree,
      parents,
      message: `${message}\n`,
      author: { name: "a", email: "a@example.com", date: at(minute) },
      committer: { name: "a", email: "a@example.com", date: at(minute) },
    });
  const root = await commit("root", [], 0);
  const a = await commit("a", [root], 1);
  const b = await commit("b", [a], 3);
  const c = await commit("c", [root], 2);
  const d = await commit("d", [c], 3); // the same date as b
  const merge = await commit("merge", [b, d], 4);
  const skewed = await commit("skewed", [merge], 1); // a clock behind its parent's
  const side = await commit("side", [root], 5);
  const head = await commit("octopus", [skewed, side, c], 6);
  for (const tip of [head, skewed, merge, d, root]) {
    const all = (await gitText(repo.dir, ["rev-list", tip])).split("\n").filter(Boolean);
    for (let limit = 1; limit <= all.length + 1; limit += 1) {
      expect(await repo.log(tip, { limit })).toEqual(all.slice(0, limit));
    }
    expect(await repo.log(tip)).toEqual(all);
  }
});
