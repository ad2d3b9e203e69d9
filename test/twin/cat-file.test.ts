import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { GitRepo } from "../../twin/git/git-repo.js";
import { gitText } from "../../twin/git/run-git.js";

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
