import { startTwin, type TwinFixture } from "./twin-fixture.js";

const repo = { owner: "acme", repo: "manifests" } as const;
const BOT = "gitops-image-bot[bot]";

async function httpError(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { status: number; response?: { data?: { message?: string } } };
    return { status: failure.status, message: failure.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail");
}

/** A new commit on its own branch (statuses and checks of one test stay apart from the others'). */
async function commitOn(fx: TwinFixture, branch: string): Promise<string> {
  return fx.twin.store.commitFiles(
    fx.repo,
    branch,
    [{ path: `${branch}.txt`, content: branch }],
    `on ${branch}`,
  );
}

async function branchSha(fx: TwinFixture, branch: string): Promise<string> {
  const { data } = await fx.octokit.rest.git.getRef({ ...repo, ref: `heads/${branch}` });
  return data.object.sha;
}

describe("statuses, checks and deployments", () => {
  let fx: TwinFixture;
  beforeAll(async () => {
    fx = await startTwin();
  });
  afterAll(async () => fx.close());
  afterEach(() => {
    expect(fx.twin.violations).toEqual([]);
  });

  test("create-commit-status answers 201 with the context defaulting to 'default', 422 for an unknown SHA", async () => {
    const sha = await commitOn(fx, "status-basic");
    const { status, data } = await fx.octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      state: "pending",
      description: "building",
      target_url: "https://ci.example.com/1",
    });
    expect(status).toBe(201);
    expect(data.context).toBe("default");
    expect(data.state).toBe("pending");
    expect(data.creator?.login).toBe(BOT);
    expect(data.target_url).toBe("https://ci.example.com/1");

    const missing = "0123456789abcdef0123456789abcdef01234567";
    expect(
      await httpError(fx.octokit.rest.repos.createCommitStatus({ ...repo, sha: missing, state: "success" })),
    ).toEqual({
      status: 422,
      message: `No commit found for SHA: ${missing}`,
    });
  });

  test("list-commit-statuses-for-ref answers newest first, by SHA or branch", async () => {
    const sha = await commitOn(fx, "status-list");
    for (const state of ["pending", "success"] as const) {
      await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state, context: "ci" });
    }
    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "failure", context: "lint" });
    const { data } = await fx.octokit.rest.repos.listCommitStatusesForRef({ ...repo, ref: sha });
    expect(data.map((s) => `${s.context}:${s.state}`)).toEqual(["lint:failure", "ci:success", "ci:pending"]);
    const { data: byBranch } = await fx.octokit.rest.repos.listCommitStatusesForRef({
      ...repo,
      ref: "status-list",
    });
    expect(byBranch.map((s) => s.id)).toEqual(data.map((s) => s.id));
  });

  test("get-combined-status-for-ref keeps the latest status per context and combines their states", async () => {
    const sha = await commitOn(fx, "combined");
    const combined = async () =>
      (await fx.octokit.rest.repos.getCombinedStatusForRef({ ...repo, ref: "combined" })).data;

    const none = await combined();
    expect(none).toMatchObject({ state: "pending", total_count: 0, sha, statuses: [] });
    expect(none.repository.full_name).toBe("acme/manifests");

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success", context: "ci" });
    expect((await combined()).state).toBe("success");

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "pending", context: "lint" });
    expect((await combined()).state).toBe("pending");

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "error", context: "lint" });
    expect((await combined()).state).toBe("failure");

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success", context: "lint" });
    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "failure", context: "ci" });
    const failed = await combined();
    expect(failed.state).toBe("failure");
    expect(failed.total_count).toBe(2);
    expect(failed.statuses.map((s) => `${s.context}:${s.state}`).sort()).toEqual([
      "ci:failure",
      "lint:success",
    ]);

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success", context: "CI" });
    const green = await combined();
    expect(green.state).toBe("success");
    expect(green.total_count).toBe(2); // contexts are case-insensitive
  });

  test("checks create, get, update and list-for-ref", async () => {
    const sha = await commitOn(fx, "checks");
    const { status, data: created } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "build",
      head_sha: sha,
      status: "in_progress",
      external_id: "run-1",
      output: { title: "Building", summary: "started" },
    });
    expect(status).toBe(201);
    expect(created).toMatchObject({ name: "build", head_sha: sha, status: "in_progress", conclusion: null });
    expect(created.started_at).not.toBeNull();
    expect(created.app?.slug).toBe("gitops-image-bot");
    expect(created.output.title).toBe("Building");

    const { data: fetched } = await fx.octokit.rest.checks.get({ ...repo, check_run_id: created.id });
    expect(fetched.external_id).toBe("run-1");

    const { data: done } = await fx.octokit.rest.checks.update({
      ...repo,
      check_run_id: created.id,
      conclusion: "success",
      output: {
        title: "Built",
        summary: "ok",
        annotations: [
          { path: "a.ts", start_line: 1, end_line: 1, annotation_level: "notice", message: "hi" },
        ],
      },
    });
    expect(done.status).toBe("completed");
    expect(done.conclusion).toBe("success");
    expect(done.completed_at).not.toBeNull();
    expect(done.output).toMatchObject({ title: "Built", summary: "ok", annotations_count: 1 });

    // A conclusion on create completes the run at once.
    const { data: lint } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "lint",
      head_sha: sha,
      conclusion: "failure",
    });
    expect(lint.status).toBe("completed");
    expect(lint.completed_at).not.toBeNull();
    const { data: queued } = await fx.octokit.rest.checks.create({ ...repo, name: "e2e", head_sha: sha });
    expect(queued.status).toBe("queued");

    const { data: all } = await fx.octokit.rest.checks.listForRef({ ...repo, ref: "checks" });
    expect(all.total_count).toBe(3);
    expect(all.check_runs.map((run) => run.name)).toEqual(["e2e", "lint", "build"]);
    const { data: byName } = await fx.octokit.rest.checks.listForRef({
      ...repo,
      ref: sha,
      check_name: "lint",
    });
    expect(byName.check_runs.map((run) => run.id)).toEqual([lint.id]);
    const { data: completed } = await fx.octokit.rest.checks.listForRef({
      ...repo,
      ref: sha,
      status: "completed",
    });
    expect(completed.check_runs.map((run) => run.name).sort()).toEqual(["build", "lint"]);

    // A rerun with the same name hides the older run unless filter=all.
    await fx.octokit.rest.checks.create({ ...repo, name: "lint", head_sha: sha, conclusion: "success" });
    expect((await fx.octokit.rest.checks.listForRef({ ...repo, ref: sha })).data.total_count).toBe(3);
    expect(
      (await fx.octokit.rest.checks.listForRef({ ...repo, ref: sha, filter: "all" })).data.total_count,
    ).toBe(4);
  });

  test("annotations add up across create and update and are listed with list-annotations; more than 50 in one request is refused", async () => {
    const sha = await commitOn(fx, "check-annotations");
    const annotation = (line: number) => ({
      path: "config.yml",
      start_line: line,
      end_line: line,
      start_column: 3,
      end_column: 3,
      annotation_level: "failure" as const,
      message: `problem ${line}`,
    });
    const { data: run } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "lint",
      head_sha: sha,
      conclusion: "failure",
      output: { title: "t", summary: "s", annotations: [annotation(1), annotation(2)] },
    });
    await fx.octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      output: { title: "t", summary: "s", annotations: [annotation(7)] },
    });
    const { data: listed } = await fx.octokit.rest.checks.listAnnotations({ ...repo, check_run_id: run.id });
    expect(listed.map((a) => [a.path, a.start_line, a.start_column, a.annotation_level, a.message])).toEqual([
      ["config.yml", 1, 3, "failure", "problem 1"],
      ["config.yml", 2, 3, "failure", "problem 2"],
      ["config.yml", 7, 3, "failure", "problem 7"],
    ]);
    expect(
      (await fx.octokit.rest.checks.get({ ...repo, check_run_id: run.id })).data.output.annotations_count,
    ).toBe(3);

    const tooMany = Array.from({ length: 51 }, (_, i) => annotation(i + 1));
    const refused = await httpError(
      fx.octokit.rest.checks.create({
        ...repo,
        name: "lint",
        head_sha: sha,
        conclusion: "failure",
        output: { title: "t", summary: "s", annotations: tooMany },
      }),
    );
    // GitHub's own answer (twin/limits.ts), not a violation of the app: nothing is written.
    expect(refused).toEqual({
      status: 422,
      message: "Invalid request.\n\nNo more than 50 items are allowed; 51 were supplied.",
    });
  });

  test("checks refuse an unknown SHA and a completed status without a conclusion", async () => {
    const sha = await commitOn(fx, "checks-invalid");
    const unknown = "fedcba9876543210fedcba9876543210fedcba98";
    expect(
      (await httpError(fx.octokit.rest.checks.create({ ...repo, name: "x", head_sha: unknown }))).status,
    ).toBe(422);
    expect(
      (
        await httpError(
          fx.octokit.rest.checks.create({ ...repo, name: "x", head_sha: sha, status: "completed" }),
        )
      ).status,
    ).toBe(422);
    expect((await httpError(fx.octokit.rest.checks.get({ ...repo, check_run_id: 987654 }))).status).toBe(404);
  });

  test("a deployment of a branch resolves the ref to its SHA and takes defaults", async () => {
    const main = await branchSha(fx, "main");
    const { status, data } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "main",
      payload: JSON.stringify({ image: "web:1" }),
      required_contexts: [],
    });
    expect(status).toBe(201);
    if (!("id" in data)) throw new Error("expected a deployment");
    expect(data).toMatchObject({
      ref: "main",
      sha: main,
      environment: "production",
      original_environment: "production",
      task: "deploy",
      payload: { image: "web:1" },
      production_environment: true,
      transient_environment: false,
    });
    expect(data.creator?.login).toBe(BOT);

    const { data: fetched } = await fx.octokit.rest.repos.getDeployment({ ...repo, deployment_id: data.id });
    expect(fetched.sha).toBe(main);

    expect(
      await httpError(fx.octokit.rest.repos.createDeployment({ ...repo, ref: "no-such-branch" })),
    ).toEqual({
      status: 422,
      message: "No ref found for: no-such-branch",
    });
    expect(
      (await httpError(fx.octokit.rest.repos.getDeployment({ ...repo, deployment_id: 424242 }))).status,
    ).toBe(404);
  });

  test("list-deployments filters by sha, ref, environment and task, newest first", async () => {
    const sha = await commitOn(fx, "deploy-list");
    const make = async (environment: string, task: string) => {
      const { data } = await fx.octokit.rest.repos.createDeployment({
        ...repo,
        ref: sha,
        environment,
        task,
        payload: { n: 1 },
        required_contexts: [],
        auto_merge: false,
      });
      if (!("id" in data)) throw new Error("expected a deployment");
      return data.id;
    };
    const staging = await make("staging", "deploy");
    const migrate = await make("staging", "deploy:migrations");
    const prod = await make("production", "deploy");

    const { data: bySha } = await fx.octokit.rest.repos.listDeployments({ ...repo, sha });
    expect(bySha.map((d) => d.id)).toEqual([prod, migrate, staging]);
    const { data: byEnvironment } = await fx.octokit.rest.repos.listDeployments({
      ...repo,
      sha,
      environment: "staging",
    });
    expect(byEnvironment.map((d) => d.id)).toEqual([migrate, staging]);
    const { data: byTask } = await fx.octokit.rest.repos.listDeployments({
      ...repo,
      task: "deploy:migrations",
    });
    expect(byTask.map((d) => d.id)).toEqual([migrate]);
    const { data: byRef } = await fx.octokit.rest.repos.listDeployments({ ...repo, ref: sha });
    expect(byRef).toHaveLength(3);
    expect(bySha.find((d) => d.id === staging)?.production_environment).toBe(false);
  });

  test("deployment statuses: create with log_url and defaults, list newest first", async () => {
    const { data: deployment } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "main",
      environment: "qa",
      required_contexts: [],
    });
    if (!("id" in deployment)) throw new Error("expected a deployment");
    const { status, data: pending } = await fx.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state: "in_progress",
      log_url: "https://ci.example.com/deploy/1",
    });
    expect(status).toBe(201);
    expect(pending).toMatchObject({
      state: "in_progress",
      environment: "qa",
      log_url: "https://ci.example.com/deploy/1",
      target_url: "https://ci.example.com/deploy/1",
      description: "",
    });
    expect(pending.creator?.login).toBe(BOT);
    const { data: success } = await fx.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: deployment.id,
      state: "success",
      environment_url: "https://qa.example.com",
      description: "live",
    });
    expect(success.environment_url).toBe("https://qa.example.com");

    const { data: list } = await fx.octokit.rest.repos.listDeploymentStatuses({
      ...repo,
      deployment_id: deployment.id,
    });
    expect(list.map((s) => s.state)).toEqual(["success", "in_progress"]);
  });

  test("a deployment is refused while the commit's contexts are not green, unless required_contexts is empty", async () => {
    const sha = await commitOn(fx, "deploy-gate");
    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "pending", context: "ci" });
    const refused = await httpError(
      fx.octokit.rest.repos.createDeployment({ ...repo, ref: "deploy-gate", auto_merge: false }),
    );
    expect(refused).toEqual({
      status: 409,
      message: "Conflict: Commit status checks failed for deploy-gate.",
    });
    const { status } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "deploy-gate",
      auto_merge: false,
      required_contexts: [],
    });
    expect(status).toBe(201);
  });

  test("auto_merge merges the default branch into a branch that is behind and answers 202", async () => {
    const base = await branchSha(fx, "main");
    await fx.octokit.rest.git.createRef({ ...repo, ref: "refs/heads/behind", sha: base });
    await commitOn(fx, "main");
    const { status, data } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "behind",
      required_contexts: [],
    });
    expect(status).toBe(202);
    expect(data).toEqual({ message: "Auto-merged main into behind on deployment." });
    const merged = await branchSha(fx, "behind");
    expect(merged).not.toBe(base);
    const { data: again } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "behind",
      required_contexts: [],
    });
    if (!("id" in again)) throw new Error("expected a deployment");
    expect(again.sha).toBe(merged);
  });
});

describe("required checks block merging", () => {
  let fx: TwinFixture;
  beforeAll(async () => {
    fx = await startTwin({ requiredChecks: ["ci"] });
  });
  afterAll(async () => fx.close());
  afterEach(() => {
    expect(fx.twin.violations).toEqual([]);
  });

  async function openPull(branch: string): Promise<{ number: number; sha: string }> {
    const sha = await fx.twin.store.commitFiles(
      fx.repo,
      `${branch}-work`,
      [{ path: "x", content: branch }],
      "msg",
    );
    await fx.octokit.rest.git.createRef({ ...repo, ref: `refs/heads/${branch}`, sha });
    const { data } = await fx.octokit.rest.pulls.create({
      ...repo,
      title: branch,
      head: branch,
      base: "main",
    });
    return { number: data.number, sha };
  }

  test("pulls.merge answers 405 until a 'ci' success status is on the head SHA", async () => {
    const { number, sha } = await openPull("feature");
    const merge = () => fx.octokit.rest.pulls.merge({ ...repo, pull_number: number });

    expect((await httpError(merge())).status).toBe(405);
    expect((await fx.octokit.rest.pulls.get({ ...repo, pull_number: number })).data.mergeable_state).toBe(
      "blocked",
    );

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "pending", context: "ci" });
    expect((await httpError(merge())).status).toBe(405);
    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success", context: "other" });
    expect((await httpError(merge())).status).toBe(405);
    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "failure", context: "ci" });
    expect((await httpError(merge())).status).toBe(405);

    await fx.octokit.rest.repos.createCommitStatus({ ...repo, sha, state: "success", context: "ci" });
    expect((await fx.octokit.rest.pulls.get({ ...repo, pull_number: number })).data.mergeable_state).toBe(
      "clean",
    );
    const { status, data } = await merge();
    expect(status).toBe(200);
    expect(data.merged).toBe(true);
    expect((await fx.octokit.rest.pulls.get({ ...repo, pull_number: number })).data.merged).toBe(true);
  });

  test("a successful 'ci' check run satisfies the requirement too", async () => {
    const { number, sha } = await openPull("with-check");
    const { data: run } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "ci",
      head_sha: sha,
      status: "in_progress",
    });
    expect((await httpError(fx.octokit.rest.pulls.merge({ ...repo, pull_number: number }))).status).toBe(405);
    const { data: updated } = await fx.octokit.rest.checks.update({
      ...repo,
      check_run_id: run.id,
      conclusion: "success",
    });
    expect(updated.pull_requests.map((pr) => pr.number)).toEqual([number]);
    const { status } = await fx.octokit.rest.pulls.merge({ ...repo, pull_number: number });
    expect(status).toBe(200);
  });

  test("auto-merge waits for a required check run on the head: in progress, then failed, then a newer run's success", async () => {
    const { number, sha } = await openPull("auto");
    const { data: pull } = await fx.octokit.rest.pulls.get({ ...repo, pull_number: number });
    const { data: run } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "ci",
      head_sha: sha,
      status: "in_progress",
    });
    await fx.octokit.graphql(
      `mutation($id: ID!) { enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: SQUASH}) { clientMutationId } }`,
      { id: pull.node_id },
    );
    const merged = async () =>
      (await fx.octokit.rest.pulls.get({ ...repo, pull_number: number })).data.merged;
    // A run of another commit, a failed run of the head: still waiting.
    const { data: other } = await fx.octokit.rest.checks.create({
      ...repo,
      name: "ci",
      head_sha: (await fx.repo.git.getRef("refs/heads/main"))!,
      status: "completed",
      conclusion: "success",
    });
    expect(other.conclusion).toBe("success");
    expect(await merged()).toBe(false);
    await fx.octokit.rest.checks.update({ ...repo, check_run_id: run.id, conclusion: "failure" });
    expect(await merged()).toBe(false);
    await fx.octokit.rest.checks.create({
      ...repo,
      name: "ci",
      head_sha: sha,
      status: "completed",
      conclusion: "success",
    });
    expect(await merged()).toBe(true);
  });

  test("the latest check run of a required name counts: a newer run in progress blocks a merge again", async () => {
    const { number, sha } = await openPull("rerun");
    await fx.octokit.rest.checks.create({
      ...repo,
      name: "ci",
      head_sha: sha,
      status: "completed",
      conclusion: "success",
    });
    await fx.octokit.rest.checks.create({ ...repo, name: "ci", head_sha: sha, status: "in_progress" });
    expect((await httpError(fx.octokit.rest.pulls.merge({ ...repo, pull_number: number }))).status).toBe(405);
  });
});
