// `object(expression: "HEAD:path")` as the config probes ask it: HEAD is read from the repository's
// files (no git process), and still follows the default branch as it moves, as git resolves it.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeAll(async () => {
  fx = await startTwin();
});
afterAll(() => closeExpectingNoViolations(fx));

const QUERY = `query($o: String!, $n: String!) {
  repository(owner: $o, name: $n) { object(expression: "HEAD:a.txt") { ... on Blob { text } } }
}`;
const probe = async (name: string) =>
  (
    await fx.octokit.graphql<{ repository: { object: { text: string } | null } }>(QUERY, {
      o: "acme",
      n: name,
    })
  ).repository.object?.text;

test("HEAD:path follows the default branch as it moves", async () => {
  const repo = await fx.twin.store.createRepo({
    owner: "acme",
    name: "moving",
    defaultBranch: "trunk",
    files: [{ path: "a.txt", content: "one\n" }],
  });
  expect(await probe("moving")).toBe("one\n");
  await fx.twin.store.commitFiles(repo, "trunk", [{ path: "a.txt", content: "two\n" }], "two");
  expect(await probe("moving")).toBe("two\n");
});

test("HEAD of an empty repository names nothing", async () => {
  await fx.twin.store.createRepo({ owner: "acme", name: "empty" });
  expect(await probe("empty")).toBeUndefined();
});
