// GitHub refuses a query that may return more than 500,000 nodes, before running it; the twin too.
import { GraphqlResponseError } from "@octokit/graphql";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(() => closeExpectingNoViolations(fx));

/** 100 branches, 100 commits of each, and `inner` more connections of 100 under each commit. */
const nested = (inner: string) => `query($owner: String!, $name: String!) {
  repository(owner: $owner, name: $name) {
    refs(refPrefix: "refs/heads/", first: 100) {
      nodes { target { ... on Commit { history(first: 100) { nodes { oid ${inner} } } } } }
    }
  }
}`;

test("a query of more than 500,000 possible nodes is MAX_NODE_LIMIT_EXCEEDED, with GitHub's message", async () => {
  const error = (await fx.octokit
    .graphql(nested("associatedPullRequests(first: 100) { nodes { number } }"), {
      owner: "acme",
      name: "manifests",
    })
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(error).toBeInstanceOf(GraphqlResponseError);
  // 100 refs + 100 × 100 commits + 100 × 100 × 100 pull requests.
  expect(error.errors).toEqual([
    {
      type: "MAX_NODE_LIMIT_EXCEEDED",
      message:
        "This query requests up to 1,010,100 possible nodes which exceeds the maximum limit of 500,000.",
    },
  ]);
});

test("pages given by variables count too, and a query within the limit runs", async () => {
  const byVariable = `query($owner: String!, $name: String!, $n: Int!) {
    repository(owner: $owner, name: $name) {
      refs(refPrefix: "refs/heads/", first: $n) {
        nodes { target { ... on Commit { history(first: $n) { nodes { oid } } } } }
      }
    }
  }`;
  const refused = (await fx.octokit
    .graphql(byVariable.replace("nodes { oid }", "nodes { oid parents(first: $n) { nodes { oid } } }"), {
      owner: "acme",
      name: "manifests",
      n: 100,
    })
    .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
  expect(refused.errors?.[0]?.type).toBe("MAX_NODE_LIMIT_EXCEEDED");
  const answer = await fx.octokit.graphql<{
    repository: { refs: { nodes: Array<{ target: { history: { nodes: unknown[] } } }> } };
  }>(nested(""), { owner: "acme", name: "manifests" });
  expect(answer.repository.refs.nodes[0]?.target.history.nodes.length).toBeGreaterThan(0);
});
