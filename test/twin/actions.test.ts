import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";
import type { WorkflowRunRecord } from "../../twin/state.js";

const repo = { owner: "acme", repo: "manifests" } as const;

let fx: TwinFixture;
let onMain: string;
let onFeature: string;
let runs: Record<"built" | "linted" | "prBuilt" | "running", WorkflowRunRecord>;

beforeEach(async () => {
  fx = await startTwin();
  const file = (content: string) => [{ path: "src/version.txt", content }];
  onMain = await fx.twin.store.commitFiles(fx.repo, "main", file("1\n"), "one");
  onFeature = await fx.twin.store.commitFiles(fx.repo, "feature", file("2\n"), "two");
  const record = fx.twin.store.recordWorkflowRun.bind(fx.twin.store, fx.repo);
  runs = {
    built: record({ headSha: onMain }),
    linted: record({
      headSha: onMain,
      path: ".github/workflows/lint.yml",
      name: "Lint",
      conclusion: "failure",
    }),
    prBuilt: record({ headSha: onFeature, headBranch: "feature", event: "pull_request" }),
    running: record({ headSha: onFeature, headBranch: "feature", status: "in_progress" }),
  };
});

afterEach(() => closeExpectingNoViolations(fx));

async function listed(query: Record<string, string | number> = {}): Promise<number[]> {
  const { data } = await fx.octokit.rest.actions.listWorkflowRunsForRepo({ ...repo, ...query });
  return data.workflow_runs.map((run) => run.id);
}

test("the store records runs with defaults: a successful push build of the default branch", () => {
  const { built, linted, running } = runs;
  expect(built).toMatchObject({
    headBranch: "main",
    event: "push",
    status: "completed",
    conclusion: "success",
  });
  expect(built.workflow).toMatchObject({
    path: ".github/workflows/build.yml",
    name: ".github/workflows/build.yml",
  });
  expect(linted.workflow.name).toBe("Lint");
  expect(running.conclusion).toBeNull();
  // Run numbers count per workflow; the workflow is one record per file.
  expect([built.runNumber, runs.prBuilt.runNumber, running.runNumber, linted.runNumber]).toEqual([
    1, 2, 3, 1,
  ]);
  expect(runs.prBuilt.workflow).toBe(built.workflow);
});

test("lists every run newest first, in GitHub's workflow-run shape", async () => {
  const { data } = await fx.octokit.rest.actions.listWorkflowRunsForRepo(repo);
  expect(data.total_count).toBe(4);
  expect(data.workflow_runs.map((run) => run.id)).toEqual(
    [runs.running, runs.prBuilt, runs.linted, runs.built].map((run) => run.id),
  );
  const built = data.workflow_runs.at(-1)!;
  expect(built).toMatchObject({
    head_sha: onMain,
    head_branch: "main",
    event: "push",
    status: "completed",
    conclusion: "success",
    path: ".github/workflows/build.yml",
    workflow_id: runs.built.workflow.id,
    run_number: 1,
    head_commit: { id: onMain, message: "one" },
    repository: { full_name: "acme/manifests" },
    actor: { login: "twin-seeder" },
  });
});

test("filters by head_sha, branch and event", async () => {
  expect(await listed({ head_sha: onMain })).toEqual([runs.linted.id, runs.built.id]);
  expect(await listed({ branch: "feature" })).toEqual([runs.running.id, runs.prBuilt.id]);
  expect(await listed({ branch: "feature", event: "pull_request" })).toEqual([runs.prBuilt.id]);
  expect(await listed({ head_sha: onMain, event: "pull_request" })).toEqual([]);
});

test("status takes a status or a conclusion, as GitHub's does", async () => {
  expect(await listed({ status: "success" })).toEqual([runs.prBuilt.id, runs.built.id]);
  expect(await listed({ status: "failure" })).toEqual([runs.linted.id]);
  expect(await listed({ status: "completed" })).toEqual([runs.prBuilt.id, runs.linted.id, runs.built.id]);
  expect(await listed({ status: "in_progress" })).toEqual([runs.running.id]);
  expect(await listed({ head_sha: onMain, branch: "main", event: "push", status: "success" })).toEqual([
    runs.built.id,
  ]);
});

test("pages with per_page and page, total_count counting every match, and a Link header", async () => {
  const { data, headers } = await fx.octokit.rest.actions.listWorkflowRunsForRepo({
    ...repo,
    per_page: 3,
    page: 2,
  });
  expect(data.total_count).toBe(4);
  expect(data.workflow_runs.map((run) => run.id)).toEqual([runs.built.id]);
  expect(headers.link).toContain('rel="prev"');
  const all = await fx.octokit.paginate(fx.octokit.rest.actions.listWorkflowRunsForRepo, {
    ...repo,
    per_page: 1,
  });
  expect(all).toHaveLength(4);
});

test("a run lists the open pull requests at its head, unless exclude_pull_requests", async () => {
  const { data: pr } = await fx.octokit.rest.pulls.create({
    ...repo,
    head: "feature",
    base: "main",
    title: "f",
  });
  const { data } = await fx.octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runs.prBuilt.id });
  expect(data.pull_requests?.map((pull) => pull.number)).toEqual([pr.number]);
  const { data: excluded } = await fx.octokit.rest.actions.listWorkflowRunsForRepo({
    ...repo,
    head_sha: onFeature,
    exclude_pull_requests: true,
  });
  expect(excluded.workflow_runs.map((run) => run.pull_requests)).toEqual([[], []]);
});

test("get answers one run, and 404 for an unknown id", async () => {
  const { data } = await fx.octokit.rest.actions.getWorkflowRun({ ...repo, run_id: runs.linted.id });
  expect(data).toMatchObject({ name: "Lint", conclusion: "failure", path: ".github/workflows/lint.yml" });
  await expect(fx.octokit.rest.actions.getWorkflowRun({ ...repo, run_id: 1 })).rejects.toMatchObject({
    status: 404,
  });
});
