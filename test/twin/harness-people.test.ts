import type { ApplicationFunction } from "probot";
import { startHarness, type Harness } from "../../twin/harness.js";
import { createPull } from "../../twin/pulls.js";
import { checkWebhookPayload } from "../../twin/rest/schema-validator.js";

const BOT = "gitops-image-bot[bot]";
const MANIFESTS = { owner: "acme", name: "manifests" } as const;

interface Seen {
  readonly event: string;
  readonly payload: Record<string, unknown>;
}

const seen: Seen[] = [];

/**
 * A slash-command-shaped app: it answers a person's comment with the commenter's role on the repository,
 * read back through the REST API, and leaves its own comments alone.
 */
const appFn: ApplicationFunction = (app) => {
  app.on("issues.opened", async (context) => {
    seen.push({ event: "issues", payload: context.payload as unknown as Record<string, unknown> });
  });
  app.on("issue_comment.created", async (context) => {
    seen.push({ event: "issue_comment", payload: context.payload as unknown as Record<string, unknown> });
    if (context.isBot) return;
    const username = context.payload.sender.login;
    const { data } = await context.octokit.rest.repos.getCollaboratorPermissionLevel(
      context.repo({ username }),
    );
    await context.octokit.rest.issues.createComment(
      context.issue({ body: `@${username}: ${data.role_name}` }),
    );
  });
};

let harness: Harness;

beforeEach(async () => {
  seen.length = 0;
  harness = await startHarness({
    appFn,
    repos: [{ name: "manifests", files: [{ path: "README.md", content: "# manifests\n" }] }],
  });
});

afterEach(async () => {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
});

function comments(issueNumber: number): Array<[string, string]> {
  return [...harness.repo("acme", "manifests").comments.values()]
    .filter((comment) => comment.issueNumber === issueNumber)
    .map((comment) => [comment.user.login, comment.body]);
}

/** alice opens an issue; its number. */
async function anIssue(): Promise<number> {
  return (await harness.openIssue({ ...MANIFESTS, login: "alice", title: "t" })).number;
}

function commentsSeen(): Seen[] {
  return seen.filter((s) => s.event === "issue_comment");
}

test("a person opens an issue: stored with its author, and issues.opened reaches the app", async () => {
  const { number, delivery } = await harness.openIssue({
    ...MANIFESTS,
    login: "alice",
    title: "web is stuck",
    body: "since Monday",
  });
  expect(delivery.status).toBe(200);
  const issue = harness.repo("acme", "manifests").issues.get(number)!;
  expect(issue).toMatchObject({ title: "web is stuck", body: "since Monday", pull: null });
  expect(issue.user).toMatchObject({ login: "alice", type: "User" });
  const payload = seen[0]!.payload;
  expect(payload).toMatchObject({
    action: "opened",
    issue: { number, user: { login: "alice" } },
    sender: { login: "alice" },
    installation: { id: harness.installation.id },
  });
  expect(checkWebhookPayload("issues", payload)).toBeNull();
});

test("a person's comment on an issue is stored and reaches the app from them, before it resolves", async () => {
  const number = await anIssue();
  harness.setPermission("acme", "manifests", "bob", "write");

  const { id, delivery } = await harness.comment({
    ...MANIFESTS,
    issueNumber: number,
    login: "bob",
    body: "/hold web",
  });

  expect(delivery.status).toBe(200);
  // Answered means handled: the app's reply is already stored.
  expect(comments(number)).toEqual([
    ["bob", "/hold web"],
    [BOT, "@bob: write"],
  ]);
  const payload = commentsSeen()[0]!.payload;
  expect(payload).toMatchObject({
    action: "created",
    comment: { id, body: "/hold web", user: { login: "bob", type: "User" } },
    issue: { number, comments: 1 },
    sender: { login: "bob", type: "User" },
    repository: { full_name: "acme/manifests" },
    installation: { id: harness.installation.id },
  });
  expect((payload["issue"] as Record<string, unknown>)["pull_request"]).toBeUndefined();
  expect(checkWebhookPayload("issue_comment", payload)).toBeNull();

  // The app's own comment comes back to it as GitHub sends it, from the bot.
  await harness.idle();
  expect(commentsSeen().map((s) => (s.payload["sender"] as { login: string }).login)).toEqual(["bob", BOT]);
});

test("a comment on a pull request carries issue.pull_request, as GitHub's does", async () => {
  const repo = harness.repo("acme", "manifests");
  await harness.twin.store.commitFiles(repo, "feature", [{ path: "a.txt", content: "a\n" }], "a");
  const alice = harness.twin.store.account("alice");
  const pull = await createPull(harness.twin, repo, {
    title: "feature",
    body: null,
    head: "feature",
    base: "main",
    draft: false,
    user: alice,
  });

  const { delivery } = await harness.comment({
    ...MANIFESTS,
    issueNumber: pull.number,
    login: "carol",
    body: "/resume",
  });

  expect(delivery.status).toBe(200);
  expect(comments(pull.number)).toEqual([
    ["carol", "/resume"],
    [BOT, "@carol: none"],
  ]);
  const payload = commentsSeen()[0]!.payload;
  const issue = payload["issue"] as Record<string, unknown>;
  expect(issue["pull_request"]).toMatchObject({
    url: `${harness.twin.urls.api}/repos/acme/manifests/pulls/${pull.number}`,
    merged_at: null,
  });
  expect(payload["comment"]).toMatchObject({ html_url: expect.stringContaining(`/pull/${pull.number}#`) });
  expect(checkWebhookPayload("issue_comment", payload)).toBeNull();
});

test("comments from a bot account are sent as from a bot", async () => {
  const number = await anIssue();
  await harness.comment({
    ...MANIFESTS,
    issueNumber: number,
    login: "renovate[bot]",
    type: "Bot",
    body: "/hold",
  });
  expect(commentsSeen()[0]!.payload).toMatchObject({ sender: { login: "renovate[bot]", type: "Bot" } });
  // The app ignores bots, so nothing answered.
  expect(comments(number)).toEqual([["renovate[bot]", "/hold"]]);
});

test("commenting on a number with no issue throws", async () => {
  await expect(harness.comment({ ...MANIFESTS, issueNumber: 99, login: "bob", body: "hi" })).rejects.toThrow(
    "acme/manifests has no issue #99",
  );
});

test("a person's comment over 65,536 characters throws and is not stored, as GitHub refuses it", async () => {
  const { number } = await harness.openIssue({ ...MANIFESTS, login: "alice", title: "long" });
  const stored = harness.repo("acme", "manifests").comments.size;
  await expect(
    harness.comment({ ...MANIFESTS, issueNumber: number, login: "bob", body: "x".repeat(65_537) }),
  ).rejects.toThrow("GitHub refuses a comment over 65536 characters");
  expect(harness.repo("acme", "manifests").comments.size).toBe(stored);
});

test("setPermission grants and takes away a role", async () => {
  const number = await anIssue();
  harness.setPermission("acme", "manifests", "dave", "maintain");
  await harness.comment({ ...MANIFESTS, issueNumber: number, login: "dave", body: "1" });
  harness.setPermission("acme", "manifests", "dave", null);
  await harness.comment({ ...MANIFESTS, issueNumber: number, login: "dave", body: "2" });
  expect(comments(number).filter(([login]) => login === BOT)).toEqual([
    [BOT, "@dave: maintain"],
    [BOT, "@dave: none"],
  ]);
});

test("the webhook schema check is live: it names what a payload lacks", () => {
  expect(checkWebhookPayload("issue_comment", { action: "created" })).toContain("'sender'");
});

describe("workflowRunPayload", () => {
  test("records the run and returns the webhook for it, which GitHub's schema accepts", async () => {
    const sha = await harness.twin.store.commitFiles(
      harness.repo("acme", "manifests"),
      "main",
      [{ path: "v.txt", content: "1\n" }],
      "v1",
    );
    const { run, payload } = harness.workflowRunPayload("acme", "manifests", {
      headSha: sha,
      path: ".github/workflows/image.yml",
      name: "Image",
    });
    expect(payload).toMatchObject({
      action: "completed",
      workflow: { id: run.workflow.id, path: ".github/workflows/image.yml", name: "Image" },
      workflow_run: {
        id: run.id,
        head_sha: sha,
        head_branch: "main",
        event: "push",
        status: "completed",
        conclusion: "success",
        path: ".github/workflows/image.yml",
        head_commit: { id: sha },
      },
      repository: { full_name: "acme/manifests" },
    });
    expect(checkWebhookPayload("workflow_run", payload)).toBeNull();

    // What the app is told and what the API lists agree.
    const delivery = await harness.send("workflow_run", payload);
    expect(delivery.status).toBe(200);
    const listed = await fetch(`${harness.twin.urls.api}/repos/acme/manifests/actions/runs?head_sha=${sha}`, {
      headers: { authorization: `token ${harness.twin.store.issueToken(harness.installation.id).token}` },
    });
    const body = (await listed.json()) as {
      total_count: number;
      workflow_runs: Array<Record<string, unknown>>;
    };
    expect(body.total_count).toBe(1);
    const fields = ["id", "path", "head_sha", "head_branch", "event", "status", "conclusion"];
    const pick = (json: Record<string, unknown>) => fields.map((field) => json[field]);
    expect(pick(body.workflow_runs[0]!)).toEqual(pick(payload["workflow_run"] as Record<string, unknown>));
  });

  test("a run not yet completed is sent as requested or in_progress, with no conclusion", () => {
    const sha = "a".repeat(40);
    const queued = harness.workflowRunPayload("acme", "manifests", { headSha: sha, status: "queued" });
    const running = harness.workflowRunPayload("acme", "manifests", { headSha: sha, status: "in_progress" });
    expect([queued.payload["action"], running.payload["action"]]).toEqual(["requested", "in_progress"]);
    expect(running.payload["workflow_run"]).toMatchObject({ status: "in_progress", conclusion: null });
    expect(checkWebhookPayload("workflow_run", running.payload)).toBeNull();
  });
});
