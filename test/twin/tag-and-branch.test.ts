// A tag and a branch of the same name (refs/tags/main and refs/heads/main): qualified names reach
// each one; a bare name is a rev-parse expression, where git (and GitHub, whose schema documents
// `object(expression:)` as "A Git revision expression suitable for rev-parse") takes the tag first.
import { afterAll, beforeAll, expect, test } from "@jest/globals";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

const ZERO = "0".repeat(40);
const repo = { owner: "acme", repo: "web" };
let fx: TwinFixture;
let onMain: string;
let tagged: string;

beforeAll(async () => {
  fx = await startTwin();
  const web = await fx.twin.store.createRepo({
    owner: "acme",
    name: "web",
    files: [{ path: "a", content: "0\n" }],
  });
  onMain = await fx.twin.store.commitFiles(web, "main", [{ path: "a", content: "1\n" }], "on main");
  // A child of main that is not on main: pushed as `refs/tags/main` (git push origin X:refs/tags/main).
  tagged = await fx.twin.store.commitFiles(web, "side", [{ path: "a", content: "evil\n" }], "not on main");
  expect(await web.git.casRef("refs/tags/main", tagged, ZERO)).toBe(true);
  expect(await web.git.deleteRef("refs/heads/side", tagged)).toBe(true);
});
afterAll(() => closeExpectingNoViolations(fx));

test("compare with refs/heads/<name> is the branch, with refs/tags/<name> the tag, with a bare name the tag", async () => {
  const compare = async (basehead: string) =>
    (await fx.octokit.rest.repos.compareCommitsWithBasehead({ ...repo, basehead, per_page: 1 })).data.status;
  expect(await compare(`${tagged}...refs/heads/main`)).toBe("behind");
  expect(await compare(`${onMain}...refs/heads/main`)).toBe("identical");
  expect(await compare(`${tagged}...refs/tags/main`)).toBe("identical");
  expect(await compare(`${tagged}...main`)).toBe("identical");
});

test("GraphQL ref(qualifiedName:) tells the branch from the tag; object(expression:) resolves a bare name as rev-parse does", async () => {
  const answer = await fx.octokit.graphql<{
    repository: {
      branch: { prefix: string; name: string; target: { oid: string } } | null;
      tag: { prefix: string; name: string; target: { oid: string } } | null;
      bare: { oid: string } | null;
      heads: { oid: string } | null;
    };
  }>(
    `query {
      repository(owner: "acme", name: "web") {
        branch: ref(qualifiedName: "refs/heads/main") { prefix name target { oid } }
        tag: ref(qualifiedName: "refs/tags/main") { prefix name target { oid } }
        bare: object(expression: "main") { oid }
        heads: object(expression: "refs/heads/main") { oid }
      }
    }`,
  );
  expect(answer.repository.branch).toEqual({ prefix: "refs/heads/", name: "main", target: { oid: onMain } });
  expect(answer.repository.tag).toEqual({ prefix: "refs/tags/", name: "main", target: { oid: tagged } });
  expect(answer.repository.bare).toEqual({ oid: tagged });
  expect(answer.repository.heads).toEqual({ oid: onMain });
});
