import { closeExpectingNoViolations, startTwin, type TwinFixture } from "./twin-fixture.js";

const repo = { owner: "acme", repo: "manifests" } as const;

let fx: TwinFixture;
beforeEach(async () => {
  fx = await startTwin();
});
afterEach(() => closeExpectingNoViolations(fx));

async function httpError(promise: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { status: number; response?: { data?: { message?: string } } };
    return { status: failure.status, message: failure.response?.data?.message ?? "" };
  }
  throw new Error("expected the request to fail");
}

async function deploy(
  environment: string,
  state: "success" | "in_progress" | "failure",
  extra: { production_environment?: boolean; transient_environment?: boolean } = {},
): Promise<number> {
  const { data } = await fx.octokit.rest.repos.createDeployment({
    ...repo,
    ref: "main",
    environment,
    required_contexts: [],
    ...extra,
  });
  if (!("id" in data)) throw new Error("expected a deployment");
  await fx.octokit.rest.repos.createDeploymentStatus({ ...repo, deployment_id: data.id, state });
  return data.id;
}

async function states(id: number): Promise<string[]> {
  const { data } = await fx.octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: id });
  return data.map((status) => status.state);
}

describe("auto_inactive, as GitHub documents it", () => {
  test("only earlier successful deployments of the same non-production, non-transient environment", async () => {
    const succeeded = await deploy("dev", "success");
    const failed = await deploy("dev", "failure");
    const waiting = await deploy("dev", "in_progress");
    const transient = await deploy("dev", "success", { transient_environment: true });
    const otherEnvironment = await deploy("qa", "success");
    const newest = await deploy("dev", "success");
    expect(await states(succeeded)).toEqual(["inactive", "success"]);
    expect(await states(failed)).toEqual(["failure"]);
    expect(await states(waiting)).toEqual(["in_progress"]);
    expect(await states(transient)).toEqual(["success"]);
    expect(await states(otherEnvironment)).toEqual(["success"]);
    expect(await states(newest)).toEqual(["success"]);
  });

  test("production deployments (by name or flag) are left alone; auto_inactive: false leaves all alone", async () => {
    const production = await deploy("production", "success");
    const flagged = await deploy("prod", "success", { production_environment: true });
    await deploy("production", "success");
    await deploy("prod", "success", { production_environment: true });
    expect(await states(production)).toEqual(["success"]);
    expect(await states(flagged)).toEqual(["success"]);

    const kept = await deploy("dev", "success");
    const { data } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "main",
      environment: "dev",
      required_contexts: [],
    });
    if (!("id" in data)) throw new Error("expected a deployment");
    await fx.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: data.id,
      state: "success",
      auto_inactive: false,
      environment_url: "https://argocd.example.com/applications/argocd/web-dev",
      log_url: "https://argocd.example.com/applications/argocd/web-dev",
    });
    expect(await states(kept)).toEqual(["success"]);
    const {
      data: [latest],
    } = await fx.octokit.rest.repos.listDeploymentStatuses({ ...repo, deployment_id: data.id });
    expect(latest).toMatchObject({
      environment_url: "https://argocd.example.com/applications/argocd/web-dev",
      log_url: "https://argocd.example.com/applications/argocd/web-dev",
      target_url: "https://argocd.example.com/applications/argocd/web-dev",
    });
  });
});

describe("commit comments", () => {
  test("a comment on a commit is stored and listed; an unknown commit, an empty or too long body is GitHub's 422", async () => {
    const { data: ref } = await fx.octokit.rest.git.getRef({ ...repo, ref: "heads/main" });
    const sha = ref.object.sha;
    const { status, data } = await fx.octokit.rest.repos.createCommitComment({
      ...repo,
      commit_sha: sha,
      body: "rolled back",
    });
    expect(status).toBe(201);
    expect(data).toMatchObject({
      commit_id: sha,
      body: "rolled back",
      user: { login: "gitops-image-bot[bot]" },
    });
    const { data: listed } = await fx.octokit.rest.repos.listCommentsForCommit({ ...repo, commit_sha: sha });
    expect(listed.map((comment) => comment.body)).toEqual(["rolled back"]);
    expect(fx.repo.commitComments).toHaveLength(1);

    const missing = "f".repeat(40);
    expect(
      await httpError(fx.octokit.rest.repos.createCommitComment({ ...repo, commit_sha: missing, body: "x" })),
    ).toEqual({ status: 422, message: `No commit found for SHA: ${missing}` });
    expect(
      (await httpError(fx.octokit.rest.repos.createCommitComment({ ...repo, commit_sha: sha, body: " " })))
        .status,
    ).toBe(422);
    expect(
      (
        await httpError(
          fx.octokit.rest.repos.createCommitComment({ ...repo, commit_sha: sha, body: "x".repeat(65_537) }),
        )
      ).status,
    ).toBe(422);
  });
});
