// GitHub's size limits, through the twin's HTTP API: each refused with GitHub's own answer, and nothing
// written; the largest accepted value of each is accepted. Characters are Unicode code points.
import { GraphqlResponseError } from "@octokit/graphql";
import { startTwin, type TwinFixture } from "./twin-fixture.js";

const repo = { owner: "acme", repo: "manifests" } as const;
/** One code point, two UTF-16 code units, four UTF-8 bytes. */
const EMOJI = "🚀";

let fx: TwinFixture;
beforeAll(async () => {
  fx = await startTwin();
});
afterAll(async () => fx.close());
afterEach(() => {
  // A refusal for size is GitHub's answer, not a request the twin does not understand.
  expect(fx.twin.violations).toEqual([]);
});

/** The status and JSON body of a refused request. */
async function refusal(
  promise: Promise<unknown>,
): Promise<{ status: number; data: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    const failure = error as { status: number; response?: { data?: Record<string, unknown> } };
    return { status: failure.status, data: failure.response?.data ?? {} };
  }
  throw new Error("expected GitHub to refuse the request");
}

function validationFailed(resource: string, field: string, message: string, code = "custom") {
  return {
    status: 422,
    data: expect.objectContaining({
      message: "Validation Failed",
      errors: [{ resource, code, field, message }],
    }),
  };
}

function invalidRequest(message: string) {
  return { status: 422, data: expect.objectContaining({ message: `Invalid request.\n\n${message}` }) };
}

let branches = 0;
/** A branch one commit ahead of main, to open a pull request from. */
async function branch(): Promise<string> {
  const name = `limits-${++branches}`;
  await fx.twin.store.commitFiles(fx.repo, name, [{ path: `${name}.txt`, content: name }], name);
  return name;
}

describe("issue and pull request titles and bodies", () => {
  test("an issue title over 256 characters is refused; 256 are accepted", async () => {
    expect(await refusal(fx.octokit.rest.issues.create({ ...repo, title: "t".repeat(257) }))).toEqual(
      validationFailed("Issue", "title", "title is too long (maximum is 256 characters)"),
    );
    const { status } = await fx.octokit.rest.issues.create({ ...repo, title: "t".repeat(256) });
    expect(status).toBe(201);
  });

  test("an issue body over 65,536 characters is refused on create and on update, counted in code points", async () => {
    const before = fx.repo.issues.size;
    expect(
      await refusal(fx.octokit.rest.issues.create({ ...repo, title: "big", body: "b".repeat(65_537) })),
    ).toEqual(validationFailed("Issue", "body", "body is too long (maximum is 65536 characters)"));
    expect(fx.repo.issues.size).toBe(before);

    // 65,536 emoji are 65,536 characters for GitHub (131,072 UTF-16 code units for JavaScript).
    const { data: issue } = await fx.octokit.rest.issues.create({
      ...repo,
      title: "emoji",
      body: EMOJI.repeat(65_536),
    });
    expect(
      await refusal(
        fx.octokit.rest.issues.update({ ...repo, issue_number: issue.number, body: EMOJI.repeat(65_537) }),
      ),
    ).toEqual(validationFailed("Issue", "body", "body is too long (maximum is 65536 characters)"));
    expect(fx.repo.issues.get(issue.number)?.body).toBe(EMOJI.repeat(65_536));
    expect(
      await refusal(
        fx.octokit.rest.issues.update({ ...repo, issue_number: issue.number, title: "x".repeat(300) }),
      ),
    ).toEqual(validationFailed("Issue", "title", "title is too long (maximum is 256 characters)"));
  });

  test("a pull request's body and title are refused as the issue's (REST create and update)", async () => {
    const head = await branch();
    const before = fx.repo.issues.size;
    expect(
      await refusal(
        fx.octokit.rest.pulls.create({ ...repo, head, base: "main", title: "pr", body: "b".repeat(65_537) }),
      ),
    ).toEqual(validationFailed("Issue", "body", "body is too long (maximum is 65536 characters)"));
    expect(fx.repo.issues.size).toBe(before);
    const { data: pull } = await fx.octokit.rest.pulls.create({
      ...repo,
      head,
      base: "main",
      title: "pr",
      body: "b".repeat(65_536),
    });
    expect(
      await refusal(
        fx.octokit.rest.pulls.update({ ...repo, pull_number: pull.number, title: "t".repeat(257) }),
      ),
    ).toEqual(validationFailed("Issue", "title", "title is too long (maximum is 256 characters)"));
    expect(
      await refusal(
        fx.octokit.rest.pulls.update({ ...repo, pull_number: pull.number, body: "b".repeat(70_000) }),
      ),
    ).toEqual(validationFailed("Issue", "body", "body is too long (maximum is 65536 characters)"));
    expect(fx.repo.issues.get(pull.number)?.title).toBe("pr");
  });

  test("GraphQL createPullRequest and updatePullRequest refuse with UNPROCESSABLE and write nothing", async () => {
    const head = await branch();
    const mutation = `mutation($input: CreatePullRequestInput!) { createPullRequest(input: $input) { pullRequest { id } } }`;
    const input = { repositoryId: fx.repo.nodeId, baseRefName: "main", headRefName: head, title: "pr" };
    const before = fx.repo.issues.size;
    const tooLong = (await fx.octokit
      .graphql(mutation, { input: { ...input, body: "b".repeat(65_537) } })
      .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
    expect(tooLong).toBeInstanceOf(GraphqlResponseError);
    expect(tooLong.errors?.[0]).toMatchObject({
      type: "UNPROCESSABLE",
      message: "Body is too long (maximum is 65536 characters)",
    });
    expect(fx.repo.issues.size).toBe(before);

    const created = await fx.octokit.graphql<{ createPullRequest: { pullRequest: { id: string } } }>(
      mutation,
      {
        input: { ...input, body: "b".repeat(65_536) },
      },
    );
    const id = created.createPullRequest.pullRequest.id;
    const update = `mutation($input: UpdatePullRequestInput!) { updatePullRequest(input: $input) { pullRequest { title } } }`;
    const title = (await fx.octokit
      .graphql(update, { input: { pullRequestId: id, title: "t".repeat(257) } })
      .catch((e: unknown) => e)) as GraphqlResponseError<unknown>;
    expect(title.errors?.[0]).toMatchObject({
      type: "UNPROCESSABLE",
      message: "Title is too long (maximum is 256 characters)",
    });
    expect([...fx.repo.issues.values()].at(-1)?.title).toBe("pr");
  });
});

describe("comments", () => {
  test("a new comment over 65,536 characters is refused as GitHub does; 65,536 are accepted", async () => {
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "comments" });
    const before = fx.repo.comments.size;
    expect(
      await refusal(
        fx.octokit.rest.issues.createComment({
          ...repo,
          issue_number: issue.number,
          body: "c".repeat(65_537),
        }),
      ),
    ).toEqual(
      validationFailed(
        "IssueComment",
        "data",
        "Body is too long (maximum is 65536 characters)",
        "unprocessable",
      ),
    );
    expect(fx.repo.comments.size).toBe(before);
    const { status } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: EMOJI.repeat(65_536),
    });
    expect(status).toBe(201);
  });

  test("an edited comment over 65,536 characters is refused and the comment keeps its text", async () => {
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "edits" });
    const { data: comment } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "short",
    });
    expect(
      await refusal(
        fx.octokit.rest.issues.updateComment({ ...repo, comment_id: comment.id, body: "c".repeat(65_537) }),
      ),
    ).toEqual(validationFailed("IssueComment", "body", "body is too long (maximum is 65536 characters)"));
    expect(fx.repo.comments.get(comment.id)?.body).toBe("short");
  });
});

describe("statuses and deployment statuses", () => {
  test("a commit status description over 140 characters is refused; 140 are accepted", async () => {
    const sha = await fx.twin.store.commitFiles(fx.repo, "status", [{ path: "s.txt", content: "s" }], "s");
    const before = fx.repo.statuses.length;
    expect(
      await refusal(
        fx.octokit.rest.repos.createCommitStatus({
          ...repo,
          sha,
          state: "success",
          description: "d".repeat(141),
        }),
      ),
    ).toEqual(
      validationFailed("Status", "description", "description is too long (maximum is 140 characters)"),
    );
    expect(fx.repo.statuses.length).toBe(before);
    const { status } = await fx.octokit.rest.repos.createCommitStatus({
      ...repo,
      sha,
      state: "success",
      description: EMOJI.repeat(140),
    });
    expect(status).toBe(201);
  });

  test("a deployment status description over 140 characters is refused", async () => {
    const { data } = await fx.octokit.rest.repos.createDeployment({
      ...repo,
      ref: "main",
      auto_merge: false,
      required_contexts: [],
    });
    if (!("id" in data)) throw new Error("no deployment");
    expect(
      await refusal(
        fx.octokit.rest.repos.createDeploymentStatus({
          ...repo,
          deployment_id: data.id,
          state: "success",
          description: "d".repeat(141),
        }),
      ),
    ).toEqual(
      validationFailed(
        "DeploymentStatus",
        "description",
        "description is too long (maximum is 140 characters)",
      ),
    );
    const { status } = await fx.octokit.rest.repos.createDeploymentStatus({
      ...repo,
      deployment_id: data.id,
      state: "success",
      description: "d".repeat(140),
    });
    expect(status).toBe(201);
  });
});

describe("check runs", () => {
  let sha: string;
  beforeAll(async () => {
    sha = await fx.twin.store.commitFiles(fx.repo, "checks", [{ path: "c.txt", content: "c" }], "c");
  });
  const create = (output: Record<string, unknown>) =>
    fx.octokit.rest.checks.create({
      ...repo,
      name: "limits",
      head_sha: sha,
      status: "completed",
      conclusion: "failure",
      output: { title: "t", summary: "s", ...output },
    });

  test("output.summary and output.text over 65,535 characters are refused with GitHub's schema answer", async () => {
    const before = fx.repo.checkRuns.size;
    expect(await refusal(create({ summary: "s".repeat(65_536) }))).toEqual(
      invalidRequest("Only 65535 characters are allowed; 65536 were supplied."),
    );
    expect(await refusal(create({ text: "t".repeat(70_000) }))).toEqual(
      invalidRequest("Only 65535 characters are allowed; 70000 were supplied."),
    );
    expect(fx.repo.checkRuns.size).toBe(before);
    expect((await create({ summary: "s".repeat(65_535), text: "t".repeat(65_535) })).status).toBe(201);
  });

  test("output.summary and output.text within 65,535 characters but over 65,535 UTF-8 bytes are refused", async () => {
    // 20,000 emoji: 20,000 characters, 80,000 bytes.
    expect(await refusal(create({ summary: EMOJI.repeat(20_000) }))).toEqual(
      validationFailed("CheckRun", "summary", "summary exceeds a maximum bytesize of 65535"),
    );
    expect(await refusal(create({ text: EMOJI.repeat(20_000) }))).toEqual(
      validationFailed("CheckRun", "text", "text exceeds a maximum bytesize of 65535"),
    );
    expect((await create({ summary: EMOJI.repeat(16_383) })).status).toBe(201);
  });

  test("more than 50 annotations in one request are refused, on create and on update", async () => {
    const annotation = (line: number) => ({
      path: "c.txt",
      start_line: line,
      end_line: line,
      annotation_level: "failure" as const,
      message: "m",
    });
    const many = Array.from({ length: 51 }, (_, i) => annotation(i + 1));
    expect(await refusal(create({ annotations: many }))).toEqual(
      invalidRequest("No more than 50 items are allowed; 51 were supplied."),
    );
    const { data: run } = await create({ annotations: many.slice(0, 50) });
    expect(
      await refusal(
        fx.octokit.rest.checks.update({
          ...repo,
          check_run_id: run.id,
          output: { title: "t", summary: "s", annotations: many },
        }),
      ),
    ).toEqual(invalidRequest("No more than 50 items are allowed; 51 were supplied."));
    expect(
      await refusal(
        fx.octokit.rest.checks.update({
          ...repo,
          check_run_id: run.id,
          output: { title: "t", summary: "s".repeat(65_536) },
        }),
      ),
    ).toEqual(invalidRequest("Only 65535 characters are allowed; 65536 were supplied."));
  });
});

describe("GraphQL Blob.text holds at most 512,000 bytes, as GitHub's does", () => {
  const BLOB = `query($owner: String!, $name: String!, $file: String!) {
    repository(owner: $owner, name: $name) { object(expression: $file) { ... on Blob { byteSize isTruncated text } } }
  }`;
  const read = (file: string) =>
    fx.octokit.graphql<{ repository: { object: { byteSize: number; isTruncated: boolean; text: string } } }>(
      BLOB,
      { owner: "acme", name: "manifests", file: `main:${file}` },
    );

  test("a larger blob is cut on a character boundary, says so, and keeps its whole byteSize", async () => {
    // 511,999 ASCII bytes, then four-byte characters: the cut falls inside the first of them.
    const text = `${"a".repeat(511_999)}${EMOJI.repeat(10)}`;
    const { repo: record } = fx;
    await fx.twin.store.commitFiles(record, "main", [{ path: "big.yaml", content: text }], "big");
    const { object } = (await read("big.yaml")).repository;
    expect(object.byteSize).toBe(512_039);
    expect(object.isTruncated).toBe(true);
    expect(object.text).toBe("a".repeat(511_999));
  });

  test("a blob of exactly 512,000 bytes is whole", async () => {
    const text = "b".repeat(512_000);
    await fx.twin.store.commitFiles(fx.repo, "main", [{ path: "edge.yaml", content: text }], "edge");
    const { object } = (await read("edge.yaml")).repository;
    expect(object).toEqual({ byteSize: 512_000, isTruncated: false, text });
  });

  test("the REST tree listing gives every blob's size, read before any text", async () => {
    const { data: commit } = await fx.octokit.rest.repos.getCommit({ ...repo, ref: "main" });
    const { data } = await fx.octokit.rest.git.getTree({
      ...repo,
      tree_sha: commit.commit.tree.sha,
      recursive: "1",
    });
    const sizes = Object.fromEntries(data.tree.map((entry) => [entry.path, entry.size]));
    expect(sizes["edge.yaml"]).toBe(512_000);
    expect(sizes["big.yaml"]).toBe(512_039);
  });
});
