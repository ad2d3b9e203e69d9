import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startTwin, type TwinFixture } from "./twin-fixture.js";

const repo = { owner: "acme", repo: "manifests" } as const;
const BOT = "gitops-image-bot[bot]";

let fx: TwinFixture;
let receiver: Server;
const received: Array<{ event: string; payload: Record<string, unknown> }> = [];

beforeAll(async () => {
  fx = await startTwin();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({
        event: String(request.headers["x-github-event"]),
        payload: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  fx.app.webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  fx.app.webhookSecret = "twin-secret";
});
afterAll(async () => {
  await fx.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
afterEach(() => {
  expect(fx.twin.violations).toEqual([]);
});

async function httpStatus(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

describe("issues", () => {
  test("create answers 201 with the next number, the bot as author and the labels", async () => {
    const { status, data } = await fx.octokit.rest.issues.create({
      ...repo,
      title: "Image bump failed",
      body: "see logs",
      labels: ["bug", { name: "bot" }],
    });
    expect(status).toBe(201);
    expect(data.number).toBe(fx.repo.issues.size);
    expect(data.user?.login).toBe(BOT);
    expect(data.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "bug",
      "bot",
    ]);
    expect(data.state).toBe("open");
    expect(data.pull_request).toBeUndefined();
  });

  test("get answers the issue, and 404 for a missing number", async () => {
    const { data: created } = await fx.octokit.rest.issues.create({ ...repo, title: "to fetch" });
    const { data } = await fx.octokit.rest.issues.get({ ...repo, issue_number: created.number });
    expect(data.title).toBe("to fetch");
    expect(data.id).toBe(created.id);
    expect(await httpStatus(fx.octokit.rest.issues.get({ ...repo, issue_number: 9999 }))).toBe(404);
  });

  test("update changes title, body and labels, closes with a reason and reopens", async () => {
    const { data: created } = await fx.octokit.rest.issues.create({ ...repo, title: "old", labels: ["x"] });
    const number = created.number;
    const { data: edited } = await fx.octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      title: "new",
      body: "details",
      labels: ["y", "z"],
    });
    expect(edited.title).toBe("new");
    expect(edited.body).toBe("details");
    expect(edited.labels.map((label) => (typeof label === "string" ? label : label.name))).toEqual([
      "y",
      "z",
    ]);

    const { data: closed } = await fx.octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      state: "closed",
      state_reason: "not_planned",
    });
    expect(closed.state).toBe("closed");
    expect(closed.state_reason).toBe("not_planned");
    expect(closed.closed_at).not.toBeNull();

    const { data: reopened } = await fx.octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      state: "open",
    });
    expect(reopened.state).toBe("open");
    expect(reopened.state_reason).toBe("reopened");
    expect(reopened.closed_at).toBeNull();

    const { data: completed } = await fx.octokit.rest.issues.update({
      ...repo,
      issue_number: number,
      state: "closed",
    });
    expect(completed.state_reason).toBe("completed");
  });

  test("list-for-repo filters by state, labels and creator, newest first, and includes pull requests", async () => {
    await fx.twin.store.commitFiles(
      fx.repo,
      "list-pr",
      [{ path: "list.txt", content: "pr" }],
      "for the list",
    );
    const { data: pr } = await fx.octokit.rest.pulls.create({
      ...repo,
      title: "A PR",
      head: "list-pr",
      base: "main",
    });
    const { data: a } = await fx.octokit.rest.issues.create({
      ...repo,
      title: "labelled",
      labels: ["deploy", "prod"],
    });
    const { data: b } = await fx.octokit.rest.issues.create({
      ...repo,
      title: "closed one",
      labels: ["deploy"],
    });
    await fx.octokit.rest.issues.update({ ...repo, issue_number: b.number, state: "closed" });

    const { data: open } = await fx.octokit.rest.issues.listForRepo({ ...repo, per_page: 100 });
    expect(open.every((issue) => issue.state === "open")).toBe(true);
    const numbers = open.map((issue) => issue.number);
    expect(numbers).toEqual([...numbers].sort((x, y) => y - x));
    expect(numbers).toContain(pr.number);
    expect(numbers).not.toContain(b.number);
    expect(open.find((issue) => issue.number === pr.number)?.pull_request?.url).toContain(
      `/pulls/${pr.number}`,
    );

    const { data: labelled } = await fx.octokit.rest.issues.listForRepo({
      ...repo,
      state: "all",
      labels: "deploy,prod",
    });
    expect(labelled.map((issue) => issue.number)).toEqual([a.number]);

    const { data: closed } = await fx.octokit.rest.issues.listForRepo({
      ...repo,
      state: "closed",
      labels: "deploy",
    });
    expect(closed.map((issue) => issue.number)).toEqual([b.number]);

    const { data: byBot } = await fx.octokit.rest.issues.listForRepo({ ...repo, state: "all", creator: BOT });
    expect(byBot.length).toBe(fx.repo.issues.size);
    const { data: bySomeoneElse } = await fx.octokit.rest.issues.listForRepo({ ...repo, creator: "octocat" });
    expect(bySomeoneElse).toEqual([]);

    const firstPage = await fx.octokit.rest.issues.listForRepo({ ...repo, state: "all", per_page: 2 });
    expect(firstPage.data).toHaveLength(2);
    expect(firstPage.headers.link).toContain('rel="next"');
    const all = await fx.octokit.paginate(fx.octokit.rest.issues.listForRepo, {
      ...repo,
      state: "all",
      per_page: 2,
    });
    expect(all).toHaveLength(fx.repo.issues.size);
  });

  test("get on a pull request number answers the issue view with pull_request", async () => {
    await fx.twin.store.commitFiles(fx.repo, "issue-view", [{ path: "view.txt", content: "v" }], "view");
    const { data: pr } = await fx.octokit.rest.pulls.create({
      ...repo,
      title: "PR view",
      head: "issue-view",
      base: "main",
    });
    const { data } = await fx.octokit.rest.issues.get({ ...repo, issue_number: pr.number });
    expect(data.title).toBe("PR view");
    expect(data.pull_request?.html_url).toContain(`/pull/${pr.number}`);
    expect(data.pull_request?.merged_at).toBeNull();
  });
});

describe("issue comments", () => {
  test("create, list oldest first, get, update and delete", async () => {
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "with comments" });
    const { status, data: first } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "first",
    });
    expect(status).toBe(201);
    expect(first.user?.login).toBe(BOT);
    const { data: second } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "second",
    });

    const { data: list } = await fx.octokit.rest.issues.listComments({ ...repo, issue_number: issue.number });
    expect(list.map((comment) => comment.body)).toEqual(["first", "second"]);
    const paged = await fx.octokit.rest.issues.listComments({
      ...repo,
      issue_number: issue.number,
      per_page: 1,
    });
    expect(paged.data.map((comment) => comment.id)).toEqual([first.id]);
    expect(paged.headers.link).toContain('rel="next"');

    const { data: fetched } = await fx.octokit.rest.issues.getComment({ ...repo, comment_id: second.id });
    expect(fetched.body).toBe("second");
    expect(fetched.issue_url).toContain(`/issues/${issue.number}`);

    const { data: updated } = await fx.octokit.rest.issues.updateComment({
      ...repo,
      comment_id: second.id,
      body: "edited",
    });
    expect(updated.body).toBe("edited");

    const { data: withCount } = await fx.octokit.rest.issues.get({ ...repo, issue_number: issue.number });
    expect(withCount.comments).toBe(2);

    const deleted = await fx.octokit.rest.issues.deleteComment({ ...repo, comment_id: first.id });
    expect(deleted.status).toBe(204);
    expect(await httpStatus(fx.octokit.rest.issues.getComment({ ...repo, comment_id: first.id }))).toBe(404);
    expect(
      await httpStatus(fx.octokit.rest.issues.createComment({ ...repo, issue_number: 9999, body: "x" })),
    ).toBe(404);
  });
});

describe("reactions", () => {
  test("a comment reaction answers 201, the same one again 200 with the existing reaction", async () => {
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "react here" });
    const { data: comment } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "hi",
    });

    const created = await fx.octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "eyes",
    });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe(BOT);
    const again = await fx.octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "eyes",
    });
    expect(again.status).toBe(200);
    expect(again.data.id).toBe(created.data.id);
    const other = await fx.octokit.rest.reactions.createForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "rocket",
    });
    expect(other.status).toBe(201);

    const { data: all } = await fx.octokit.rest.reactions.listForIssueComment({
      ...repo,
      comment_id: comment.id,
    });
    expect(all.map((r) => r.content)).toEqual(["eyes", "rocket"]);
    const { data: eyes } = await fx.octokit.rest.reactions.listForIssueComment({
      ...repo,
      comment_id: comment.id,
      content: "eyes",
    });
    expect(eyes.map((r) => r.id)).toEqual([created.data.id]);

    const { data: rollup } = await fx.octokit.rest.issues.getComment({ ...repo, comment_id: comment.id });
    expect(rollup.reactions?.total_count).toBe(2);
    expect(rollup.reactions?.eyes).toBe(1);

    const removed = await fx.octokit.rest.reactions.deleteForIssueComment({
      ...repo,
      comment_id: comment.id,
      reaction_id: created.data.id,
    });
    expect(removed.status).toBe(204);
    const { data: left } = await fx.octokit.rest.reactions.listForIssueComment({
      ...repo,
      comment_id: comment.id,
    });
    expect(left.map((r) => r.content)).toEqual(["rocket"]);
    const missing = fx.octokit.rest.reactions.deleteForIssueComment({
      ...repo,
      comment_id: comment.id,
      reaction_id: created.data.id,
    });
    expect(await httpStatus(missing)).toBe(404);
  });

  test("an issue reaction answers 201, then 200 for the same content", async () => {
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "react to me" });
    const first = await fx.octokit.rest.reactions.createForIssue({
      ...repo,
      issue_number: issue.number,
      content: "+1",
    });
    expect(first.status).toBe(201);
    expect(first.data.content).toBe("+1");
    const second = await fx.octokit.rest.reactions.createForIssue({
      ...repo,
      issue_number: issue.number,
      content: "+1",
    });
    expect(second.status).toBe(200);
    expect(second.data.id).toBe(first.data.id);
    const { data } = await fx.octokit.rest.issues.get({ ...repo, issue_number: issue.number });
    expect(data.reactions?.["+1"]).toBe(1);
  });
});

describe("webhooks", () => {
  test("issues and issue_comment events reach the installed app", async () => {
    await fx.twin.idle();
    received.length = 0;
    const { data: issue } = await fx.octokit.rest.issues.create({ ...repo, title: "hooked" });
    const { data: comment } = await fx.octokit.rest.issues.createComment({
      ...repo,
      issue_number: issue.number,
      body: "c",
    });
    await fx.octokit.rest.issues.update({ ...repo, issue_number: issue.number, title: "hooked!" });
    await fx.octokit.rest.issues.update({ ...repo, issue_number: issue.number, state: "closed" });
    await fx.twin.idle();

    const actions = received.map(({ event, payload }) => `${event}.${String(payload["action"])}`);
    expect(actions).toEqual(["issues.opened", "issue_comment.created", "issues.edited", "issues.closed"]);
    const [opened, commented, edited] = received;
    expect((opened?.payload["issue"] as { number: number }).number).toBe(issue.number);
    expect((opened?.payload["sender"] as { login: string }).login).toBe(BOT);
    expect((opened?.payload["repository"] as { full_name: string }).full_name).toBe("acme/manifests");
    expect((opened?.payload["installation"] as { id: number }).id).toBe(fx.installation.id);
    expect((commented?.payload["comment"] as { id: number }).id).toBe(comment.id);
    expect(edited?.payload["changes"]).toEqual({ title: { from: "hooked" } });
  });
});
