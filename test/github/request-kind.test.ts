// Which requests the app's Octokit spaces a second apart: writes (REST writes, GraphQL mutations, and
// what it cannot read), never reads (REST GETs, GraphQL queries) nor token requests.
import { expect, test } from "@jest/globals";
import { requestKind } from "../../src/adapters/github/request-kind.js";

const graphql = (query: unknown) => requestKind({ method: "POST", url: "/graphql", query });

test.each([
  [
    "a named query",
    'query Snapshot($owner: String!) { repository(owner: $owner, name: "x") { id } }',
    "read",
  ],
  ["the shorthand query", "{ viewer { login } }", "read"],
  [
    "a query with a fragment first",
    'fragment F on Repository { id }\nquery { repository(owner: "a", name: "b") { ...F } }',
    "read",
  ],
  ["a comment saying mutation", "# not a mutation\nquery { viewer { login } }", "read"],
  [
    "a string holding braces and mutation",
    'query { repository(owner: "a } mutation {", name: "b") { id } }',
    "read",
  ],
  [
    "a block string",
    'query { search(query: """ } mutation { """, type: REPOSITORY, first: 1) { issueCount } }',
    "read",
  ],
  [
    "a mutation",
    "mutation ($input: CreateCommitOnBranchInput!) { createCommitOnBranch(input: $input) { commit { oid } } }",
    "write",
  ],
  ["a mutation after a comment", "# commit\n  mutation { createRef(input: {}) { ref { name } } }", "write"],
  [
    "a query and a mutation in one document",
    "query A { viewer { login } }\nmutation B { createRef(input: {}) { ref { name } } }",
    "write",
  ],
  ["a subscription", "subscription { x }", "write"],
  ["unbalanced braces", "query { viewer { login }", "write"],
  ["no document", undefined, "write"],
])("GraphQL: %s is a %s", (_what, query, kind) => {
  expect(graphql(query)).toBe(kind);
});

test.each([
  ["GET", "/repos/acme/manifests/contents/a", "read"],
  ["HEAD", "https://api.github.com/repos/acme/manifests", "read"],
  ["POST", "/repos/acme/manifests/statuses/abc", "write"],
  ["PATCH", "/repos/acme/manifests/git/refs/heads/main", "write"],
  ["PUT", "/repos/acme/manifests/pulls/1/merge", "write"],
  ["DELETE", "/repos/acme/manifests/git/refs/heads/x", "write"],
  ["POST", "/app/installations/7/access_tokens", "auth"],
  ["POST", "http://127.0.0.1:3000/api/v3/app/installations/7/access_tokens", "auth"],
  ["POST", "https://ghe.example.com/api/graphql", "write"],
])("REST: %s %s is a %s", (method, url, kind) => {
  expect(requestKind({ method, url })).toBe(kind);
});

test("a query to GitHub Enterprise's /api/graphql is a read", () => {
  expect(
    requestKind({
      method: "POST",
      url: "https://ghe.example.com/api/graphql",
      query: "{ viewer { login } }",
    }),
  ).toBe("read");
});
