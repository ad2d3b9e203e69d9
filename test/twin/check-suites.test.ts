import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runGit } from "../../twin/git/run-git.js";
import type { RepoRecord, WorkflowRunRecord } from "../../twin/state.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

let fx: TwinFixture;
let token: string;

beforeEach(async () => {
  fx = await startTwin();
  token = fx.twin.store.issueToken(fx.installation.id).token;
});
afterEach(() => closeExpectingNoViolations(fx));

interface GraphqlAnswer<T> {
  readonly status: number;
  readonly data?: T;
  readonly errors?: Array<Record<string, unknown>>;
}

/** POSTs a document to /api/graphql as the installation and returns GitHub's whole answer, errors too. */
async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlAnswer<T>> {
  const response = await fetch(`${fx.twin.urls.web}/api/graphql`, {
    method: "POST",
    headers: { authorization: `token ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<Record<string, unknown>> };
  return { status: response.status, ...body };
}

/**
 * Appends commits to a branch with one `git fast-import` (fixed dates and contents, so the SHAs are the
 * same on every run); returns their SHAs, oldest first, from fast-import's marks, so that nothing the
 * twin would remember is read before the queries measured.
 */
async function appendCommits(repo: RepoRecord, branch: string, count: number, label: string) {
  const parent = await repo.git.getRef(`refs/heads/${branch}`);
  let stream = "";
  for (let index = 0; index < count; index += 1) {
    const text = `${label} ${index}\n`;
    stream +=
      `commit refs/heads/${branch}\nmark :${index + 1}\n` +
      `committer Twin Seeder <seeder@example.com> ${1_767_225_600 + index * 60} +0000\n` +
      `data ${Buffer.byteLength(text)}\n${text}` +
      (index === 0 && parent ? `from ${parent}\n` : "") +
      `M 100644 inline ${label}.txt\ndata ${Buffer.byteLength(text)}\n${text}\n`;
  }
  const marks = join(repo.git.dir, "seed-marks");
  await runGit(repo.git.dir, ["fast-import", "--quiet", `--export-marks=${marks}`], { input: stream });
  const shas = new Map(
    (await readFile(marks, "utf8"))
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => [Number(line.slice(1, line.indexOf(" "))), line.slice(line.indexOf(" ") + 1)]),
  );
  return Array.from({ length: count }, (_, index) => shas.get(index + 1)!);
}

const SUITE_FIELDS = `
  id databaseId status conclusion createdAt updatedAt url resourcePath
  commit { oid }
  repository { nameWithOwner }
  branch { name prefix }
  app { id databaseId slug name url createdAt }
  creator { login }
  workflowRun {
    id databaseId runNumber event createdAt updatedAt url resourcePath
    checkSuite { databaseId }
    file { path url resourcePath repositoryName repositoryFileUrl viewerCanReadRepository run { databaseId } }
    workflow { id databaseId name url resourcePath state createdAt updatedAt }
  }`;

interface Suite {
  databaseId: number;
  status: string;
  conclusion: string | null;
  workflowRun: { databaseId: number; event: string; file: { path: string }; workflow: { name: string } };
}

interface Suites {
  totalCount: number;
  nodes: Suite[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

async function suitesOf(sha: string, args = "first: 10", fields = SUITE_FIELDS) {
  return graphql<{ repository: { object: { checkSuites: Suites | null } } }>(
    `query($sha: GitObjectID!) {
      repository(owner: "acme", name: "manifests") {
        object(oid: $sha) {
          ... on Commit {
            checkSuites(${args}) {
              totalCount
              nodes { ${fields} }
              pageInfo { hasNextPage hasPreviousPage endCursor }
            }
          }
        }
      }
    }`,
    { sha },
  );
}

describe("a commit with a successful, a failed and a running workflow", () => {
  let sha: string;
  let runs: Record<"built" | "linted" | "deploying", WorkflowRunRecord>;

  beforeEach(async () => {
    sha = await fx.twin.store.commitFiles(fx.repo, "main", [{ path: "v.txt", content: "1\n" }], "one");
    const record = fx.twin.store.recordWorkflowRun.bind(fx.twin.store, fx.repo);
    runs = {
      built: record({ headSha: sha, name: "Build", jobs: ["build", "test"] }),
      linted: record({
        headSha: sha,
        path: ".github/workflows/lint.yml",
        name: "Lint",
        conclusion: "failure",
        jobs: ["eslint"],
      }),
      deploying: record({
        headSha: sha,
        path: ".github/workflows/deploy.yml",
        name: "Deploy",
        event: "workflow_dispatch",
        status: "in_progress",
        jobs: ["deploy"],
      }),
    };
  });

  test("lists their check suites oldest first, in GitHub's shape", async () => {
    const answer = await suitesOf(sha);
    expect(answer.status).toBe(200);
    expect(answer.errors).toBeUndefined();
    const suites = answer.data!.repository.object.checkSuites!;
    expect(suites.totalCount).toBe(3);
    expect(suites.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(suites.nodes.map((suite) => [suite.status, suite.conclusion])).toEqual([
      ["COMPLETED", "SUCCESS"],
      ["COMPLETED", "FAILURE"],
      ["IN_PROGRESS", null],
    ]);

    const web = fx.twin.urls.web;
    const { built } = runs;
    const suitePath = `/acme/manifests/commit/${sha}/checks?check_suite_id=${built.checkSuiteId}`;
    expect(suites.nodes[0]).toEqual({
      id: `CS_${built.checkSuiteId}`,
      databaseId: built.checkSuiteId,
      status: "COMPLETED",
      conclusion: "SUCCESS",
      createdAt: built.createdAt,
      updatedAt: built.updatedAt,
      url: `${web}${suitePath}`,
      resourcePath: suitePath,
      commit: { oid: sha },
      repository: { nameWithOwner: "acme/manifests" },
      branch: { name: "main", prefix: "refs/heads/" },
      app: {
        id: "MDM6QXBwMTUzNjg=",
        databaseId: 15368,
        slug: "github-actions",
        name: "GitHub Actions",
        url: `${web}/apps/github-actions`,
        createdAt: "2018-07-30T09:30:17Z",
      },
      creator: { login: "twin-seeder" },
      workflowRun: {
        id: built.nodeId,
        databaseId: built.id,
        runNumber: 1,
        event: "push",
        createdAt: built.createdAt,
        updatedAt: built.updatedAt,
        url: `${web}/acme/manifests/actions/runs/${built.id}`,
        resourcePath: `/acme/manifests/actions/runs/${built.id}`,
        checkSuite: { databaseId: built.checkSuiteId },
        file: {
          path: ".github/workflows/build.yml",
          url: `${web}/acme/manifests/actions/runs/${built.id}/workflow`,
          resourcePath: `/acme/manifests/actions/runs/${built.id}/workflow`,
          repositoryName: "acme/manifests",
          repositoryFileUrl: `${web}/acme/manifests/blob/${sha}/.github/workflows/build.yml`,
          viewerCanReadRepository: true,
          run: { databaseId: built.id },
        },
        workflow: {
          id: built.workflow.nodeId,
          databaseId: built.workflow.id,
          name: "Build",
          url: `${web}/acme/manifests/actions/workflows/build.yml`,
          resourcePath: "/acme/manifests/actions/workflows/build.yml",
          state: "ACTIVE",
          createdAt: built.workflow.createdAt,
          updatedAt: built.workflow.createdAt,
        },
      },
    });
    expect(suites.nodes.map((suite) => [suite.workflowRun.event, suite.workflowRun.file.path])).toEqual([
      ["push", ".github/workflows/build.yml"],
      ["push", ".github/workflows/lint.yml"],
      ["workflow_dispatch", ".github/workflows/deploy.yml"],
    ]);
  });

  test("the check suite id is the one REST gives the run, and node(id) finds suite, run and workflow", async () => {
    const { data: rest } = await fx.octokit.rest.actions.getWorkflowRun({
      owner: "acme",
      repo: "manifests",
      run_id: runs.linted.id,
    });
    const answer = await graphql<{ suite: Suite; run: { runNumber: number }; workflow: { name: string } }>(
      `
        query ($suite: ID!, $run: ID!, $workflow: ID!) {
          suite: node(id: $suite) {
            ... on CheckSuite {
              databaseId
              status
              conclusion
              workflowRun {
                databaseId
                event
                file {
                  path
                }
                workflow {
                  name
                }
              }
            }
          }
          run: node(id: $run) {
            ... on WorkflowRun {
              runNumber
            }
          }
          workflow: node(id: $workflow) {
            ... on Workflow {
              name
            }
          }
        }
      `,
      { suite: rest.check_suite_node_id, run: rest.node_id, workflow: runs.linted.workflow.nodeId },
    );
    expect(answer.data).toEqual({
      suite: {
        databaseId: rest.check_suite_id,
        status: "COMPLETED",
        conclusion: "FAILURE",
        workflowRun: {
          databaseId: rest.id,
          event: "push",
          file: { path: ".github/workflows/lint.yml" },
          workflow: { name: "Lint" },
        },
      },
      run: { runNumber: 1 },
      workflow: { name: "Lint" },
    });
  });

  test("a finished run's suite follows the run: status and conclusion are read when asked", async () => {
    runs.deploying.status = "completed";
    runs.deploying.conclusion = "cancelled";
    const answer = await suitesOf(sha, "last: 1", "status conclusion");
    expect(answer.data!.repository.object.checkSuites!.nodes).toEqual([
      { status: "COMPLETED", conclusion: "CANCELLED" },
    ]);
  });

  test("filterBy appId keeps GitHub Actions' suites (app 15368) and no other app's", async () => {
    const ids = async (filter: string) =>
      (
        await suitesOf(sha, `first: 10, filterBy: ${filter}`, "databaseId")
      ).data!.repository.object.checkSuites!.nodes.map((suite) => suite.databaseId);
    const all = [runs.built, runs.linted, runs.deploying].map((run) => run.checkSuiteId);
    expect(await ids("{ appId: 15368 }")).toEqual(all);
    expect(await ids(`{ appId: ${fx.app.id} }`)).toEqual([]);
  });

  test("filterBy checkName matches a check run (a job) of the suite, not the workflow's name", async () => {
    const ids = async (filter: string) =>
      (
        await suitesOf(sha, `first: 10, filterBy: ${filter}`, "databaseId")
      ).data!.repository.object.checkSuites!.nodes.map((suite) => suite.databaseId);
    expect(await ids('{ checkName: "test" }')).toEqual([runs.built.checkSuiteId]);
    expect(await ids('{ checkName: "eslint", appId: 15368 }')).toEqual([runs.linted.checkSuiteId]);
    expect(await ids('{ checkName: "Lint" }')).toEqual([]);
    expect(await ids('{ checkName: "eslint", appId: 1 }')).toEqual([]);
  });

  test("pages forward with first and after, backward with last and before", async () => {
    const suites = async (args: string) =>
      (await suitesOf(sha, args, "databaseId")).data!.repository.object.checkSuites!;
    const [built, linted, deploying] = [runs.built, runs.linted, runs.deploying].map(
      (run) => run.checkSuiteId,
    );
    const first = await suites("first: 2");
    expect(first.nodes.map((suite) => suite.databaseId)).toEqual([built, linted]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await suites(`first: 2, after: "${first.pageInfo.endCursor}"`);
    expect(second.nodes.map((suite) => suite.databaseId)).toEqual([deploying]);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(second.totalCount).toBe(3);
    const last = await suites("last: 1");
    expect(last.nodes.map((suite) => suite.databaseId)).toEqual([deploying]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const before = await suites(`last: 5, before: "${last.pageInfo.endCursor}"`);
    expect(before.nodes.map((suite) => suite.databaseId)).toEqual([built, linted]);
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  test("listing suites needs first or last, at most 100, and a cursor the twin gave (GitHub's errors)", async () => {
    const missing = await suitesOf(sha, "filterBy: { appId: 15368 }", "databaseId");
    expect(missing.status).toBe(200);
    expect(missing.data).toEqual({ repository: { object: { checkSuites: null } } });
    expect(missing.errors).toEqual([
      expect.objectContaining({
        type: "MISSING_PAGINATION_BOUNDARIES",
        path: ["repository", "object", "checkSuites"],
        message:
          "You must provide a `first` or `last` value to properly paginate the `checkSuites` connection.",
      }),
    ]);
    const excessive = await suitesOf(sha, "first: 101", "databaseId");
    expect(excessive.errors).toEqual([
      expect.objectContaining({
        type: "EXCESSIVE_PAGINATION",
        message:
          "Requesting 101 records on the `checkSuites` connection exceeds the `first` limit of 100 records.",
      }),
    ]);
    const cursor = await suitesOf(sha, 'first: 1, after: "bm9wZQ=="', "databaseId");
    expect(cursor.errors).toEqual([
      expect.objectContaining({
        type: "INVALID_CURSOR_ARGUMENTS",
        message: "`bm9wZQ==` does not appear to be a valid cursor.",
      }),
    ]);
    // Counting does not list: no bounds needed.
    const counted = await graphql<{ repository: { object: { checkSuites: { totalCount: number } } } }>(
      `
        query ($sha: GitObjectID!) {
          repository(owner: "acme", name: "manifests") {
            object(oid: $sha) {
              ... on Commit {
                checkSuites {
                  totalCount
                }
              }
            }
          }
        }
      `,
      { sha },
    );
    expect(counted.errors).toBeUndefined();
    expect(counted.data!.repository.object.checkSuites.totalCount).toBe(3);
  });
});

test("a commit without workflow runs has no check suites", async () => {
  const sha = (await fx.repo.git.getRef("refs/heads/main"))!;
  const answer = await suitesOf(sha);
  expect(answer.errors).toBeUndefined();
  expect(answer.data!.repository.object.checkSuites).toEqual({
    totalCount: 0,
    nodes: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
  });
});

test("a suite's branch is the Ref of the run's head branch while it exists; a run without a branch has none", async () => {
  const sha = await fx.twin.store.commitFiles(fx.repo, "feature", [{ path: "f", content: "f\n" }], "f");
  fx.twin.store.recordWorkflowRun(fx.repo, { headSha: sha, headBranch: "feature", event: "pull_request" });
  fx.twin.store.recordWorkflowRun(fx.repo, { headSha: sha, headBranch: null, event: "release" });
  const branches = async () =>
    (await suitesOf(sha, "first: 5", "branch { name }")).data!.repository.object.checkSuites!.nodes.map(
      (suite) => (suite as unknown as { branch: unknown }).branch,
    );
  expect(await branches()).toEqual([{ name: "feature" }, null]);
  await fx.repo.git.deleteRef("refs/heads/feature", sha);
  expect(await branches()).toEqual([null, null]);
});

test("object(expression:) takes an abbreviated SHA as a revision, and is null when it names no single commit", async () => {
  const sha = (await fx.repo.git.getRef("refs/heads/main"))!;
  const object = async (expression: string) =>
    (
      await graphql<{ repository: { object: { __typename: string; oid: string } | null } }>(
        `
          query ($expression: String!) {
            repository(owner: "acme", name: "manifests") {
              object(expression: $expression) {
                __typename
                ... on Commit {
                  oid
                }
              }
            }
          }
        `,
        { expression },
      )
    ).data!.repository.object;
  for (const length of [7, 12, 39, 40]) {
    expect(await object(sha.slice(0, length))).toEqual({ __typename: "Commit", oid: sha });
  }
  expect(await object("0000000")).toBeNull();
  // Two commits whose SHAs share their first four digits: the prefix names neither.
  const many = await appendCommits(fx.repo, "many", 1500, "many");
  const byPrefix = new Map<string, string[]>();
  for (const commit of many)
    byPrefix.set(commit.slice(0, 4), [...(byPrefix.get(commit.slice(0, 4)) ?? []), commit]);
  const [prefix, shared] = [...byPrefix].find(([, commits]) => commits.length > 1)!;
  expect(await object(prefix)).toBeNull();
  expect(await object(shared[0]!.slice(0, 7))).toEqual({ __typename: "Commit", oid: shared[0] });
});

test("sixty repositories in one document: thirty commits each with their check suites, unknown ones null with NOT_FOUND", async () => {
  const REPOS = 60;
  const COMMITS = 30;
  // Seeded with git fast-import, all at once: a commitFiles per commit would take most of a minute.
  const names = Array.from({ length: REPOS }, (_, index) => `service-${String(index).padStart(2, "0")}`);
  const seeded = await Promise.all(
    names.map(async (name) => {
      const repo = await fx.twin.store.createRepo({ owner: "acme", name });
      return [name, { repo, commits: await appendCommits(repo, "main", COMMITS, name) }] as const;
    }),
  );
  const heads = new Map(seeded.map(([name, { commits }]) => [name, commits]));
  for (const [, { repo, commits }] of seeded) {
    // Every commit but the first was built; every third one also failed its lint; the head is deploying.
    for (const [position, sha] of commits.entries()) {
      if (position === 0) continue;
      fx.twin.store.recordWorkflowRun(repo, { headSha: sha, name: "Build" });
      if (position % 3 === 1)
        fx.twin.store.recordWorkflowRun(repo, {
          headSha: sha,
          path: ".github/workflows/lint.yml",
          name: "Lint",
          conclusion: "failure",
        });
    }
    fx.twin.store.recordWorkflowRun(repo, {
      headSha: commits.at(-1)!,
      path: ".github/workflows/deploy.yml",
      event: "workflow_dispatch",
      status: "in_progress",
    });
  }
  await fx.twin.store.createRepo({ owner: "globex", name: "secret", files: [{ path: "a", content: "a\n" }] });

  const repoField = (alias: string, owner: string, name: string) => `
    ${alias}: repository(owner: "${owner}", name: "${name}") {
      ref(qualifiedName: "refs/heads/main") {
        target { ... on Commit { oid history(first: 30) { nodes {
          oid committedDate
          checkSuites(first: 10) { nodes { status conclusion workflowRun { event file { path } } } }
        } } } }
      }
    }`;
  const document = `query {
    ${[...heads.keys()].map((name, index) => repoField(`r${index}`, "acme", name)).join("\n")}
    missing: repository(owner: "acme", name: "no-such-service") { id }
    ${repoField("hidden", "globex", "secret")}
  }`;

  interface Answer {
    [alias: string]: {
      ref: {
        target: {
          oid: string;
          history: {
            nodes: Array<{
              oid: string;
              committedDate: string;
              checkSuites: {
                nodes: Array<{
                  status: string;
                  conclusion: string | null;
                  workflowRun: { event: string; file: { path: string } };
                }>;
              };
            }>;
          };
        };
      };
    } | null;
  }
  const timings: number[] = [];
  let answer: GraphqlAnswer<Answer> | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const start = performance.now();
    answer = await graphql<Answer>(document);
    timings.push(performance.now() - start);
  }
  process.stdout.write(
    `${REPOS} repositories x ${COMMITS} commits: ${timings.map((ms) => `${ms.toFixed(0)} ms`).join(", ")} (first, then warm)\n`,
  );

  expect(answer!.status).toBe(200);
  expect(answer!.errors).toEqual([
    expect.objectContaining({
      type: "NOT_FOUND",
      path: ["missing"],
      message: "Could not resolve to a Repository with the name 'acme/no-such-service'.",
    }),
    expect.objectContaining({
      type: "NOT_FOUND",
      path: ["hidden"],
      message: "Could not resolve to a Repository with the name 'globex/secret'.",
    }),
  ]);
  const data = answer!.data!;
  expect(data["missing"]).toBeNull();
  expect(data["hidden"]).toBeNull();
  expect(Object.keys(data)).toHaveLength(REPOS + 2);
  for (const [index, commits] of [...heads.values()].entries()) {
    const target = data[`r${index}`]!.ref.target;
    expect(target.oid).toBe(commits.at(-1));
    const history = target.history.nodes;
    expect(history).toHaveLength(COMMITS);
    // Newest first, dated as committed (a minute apart).
    expect(history.map((node) => node.oid)).toEqual([...commits].reverse());
    expect(history[0]!.committedDate).toBe("2026-01-01T00:29:00Z");
    expect(history[0]!.checkSuites.nodes.map((suite) => [suite.status, suite.conclusion])).toEqual([
      ["COMPLETED", "SUCCESS"],
      ["IN_PROGRESS", null],
    ]);
    expect(history[0]!.checkSuites.nodes[1]!.workflowRun).toEqual({
      event: "workflow_dispatch",
      file: { path: ".github/workflows/deploy.yml" },
    });
    // The second commit was built and failed its lint; the first has no runs.
    expect(history.at(-2)!.checkSuites.nodes).toEqual([
      {
        status: "COMPLETED",
        conclusion: "SUCCESS",
        workflowRun: { event: "push", file: { path: ".github/workflows/build.yml" } },
      },
      {
        status: "COMPLETED",
        conclusion: "FAILURE",
        workflowRun: { event: "push", file: { path: ".github/workflows/lint.yml" } },
      },
    ]);
    expect(history.at(-1)!.checkSuites.nodes).toEqual([]);
  }
  // How long the answers took is printed above, not asserted: on a loaded machine it says nothing.
});
