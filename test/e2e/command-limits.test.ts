// What outsiders and repeated commands may cost, end to end: each distinct command of a comment runs
// once, a person's commands per minute are limited, outsiders get one reply and no reactions, /status
// shows a private manifests repository only to those who can read it, a replayed comment does not run
// again, and replies never take the pacer slots a deploy needs.
import { parseState, STATE_PATH } from "../../src/state/state-file.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";
import type { BotOptions } from "../../src/app.js";

const BOT = "gitops-image-bot[bot]";
/** The twin's names of the routes these tests count. */
const PERMISSION_ROUTE = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";
const REPO_ROUTE = "GET /repos/{owner}/{repo}";
const REPLY_ROUTE = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const REACTION_ROUTE = "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions";

let bot: BotHarness | undefined;
afterEach(async () => {
  if (bot) await closeExpectingNoViolations(bot);
  bot = undefined;
});

/** acme/manifests (private, as the twin makes repositories) and acme/web, public; alice writes, bob reads. */
async function start(
  manifests = webManifests(),
  options: BotOptions = {},
): Promise<{ harness: BotHarness; web: number; ops: number }> {
  const harness = await startBot([manifests, { ...sourceRepo("web"), private: false }], options);
  bot = harness;
  harness.setPermission("acme", "manifests", "alice", "write");
  harness.setPermission("acme", "manifests", "bob", "read");
  const web = await harness.openIssue({ owner: "acme", name: "web", login: "alice", title: "web" });
  const ops = await harness.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" });
  return { harness, web: web.number, ops: ops.number };
}

/** The app's replies on an issue, oldest first. */
function replies(harness: BotHarness, name: string, issueNumber: number): string[] {
  return [...harness.repo("acme", name).comments.values()]
    .filter((comment) => comment.user.login === BOT && comment.issueNumber === issueNumber)
    .map((comment) => comment.body);
}

/** Comments, waits for the app, and returns the replies since and the comment's reactions. */
async function say(
  harness: BotHarness,
  where: { name: string; issueNumber: number },
  login: string,
  body: string,
) {
  const before = replies(harness, where.name, where.issueNumber).length;
  const { id, delivery } = await harness.comment({ owner: "acme", ...where, login, body });
  await harness.idle();
  return {
    replies: replies(harness, where.name, where.issueNumber).slice(before),
    reactions: harness
      .repo("acme", where.name)
      .comments.get(id)!
      .reactions.map((reaction) => reaction.content),
    delivery,
  };
}

test("300 /status lines are answered as one, with one table, at the cost of one", async () => {
  const { harness, ops } = await start();
  const where = { name: "manifests", issueNumber: ops };
  const one = harness.twin.counters.total;
  await say(harness, where, "alice", "/status"); // (bob's budget stays whole)
  const costOfOne = harness.twin.counters.total - one;

  const before = harness.twin.counters.total;
  const many = await say(harness, where, "bob", "/status\n".repeat(300));
  expect(harness.twin.counters.total - before).toBeLessThanOrEqual(costOfOne);
  expect(many.replies).toHaveLength(1);
  const reply = many.replies[0]!;
  expect(reply.match(/^- ✅ `\/status`/gm)).toHaveLength(1);
  expect(reply.match(/\| Environment \| Service \|/g)).toHaveLength(1);
  expect(reply).toContain("299 repeated commands run once.");
});

test("a service named 300 times in one command is checked once; more than 20 services are refused before any request", async () => {
  const { harness, ops } = await start();
  const where = { name: "manifests", issueNumber: ops };
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();

  const one = harness.twin.counters.total;
  await say(harness, where, "alice", `/retag dev ${sha} web --force`);
  const costOfOne = harness.twin.counters.total - one;

  const before = harness.twin.counters.total;
  const repeated = await say(harness, where, "alice", `/retag dev ${sha} ${"web ".repeat(300)}--force`);
  expect(repeated.reactions).toEqual(["eyes", "rocket"]);
  expect(harness.twin.counters.total - before).toBeLessThanOrEqual(costOfOne);

  const names = Array.from({ length: 21 }, (_, i) => `service-${i}`).join(" ");
  const permissionChecks = harness.twin.counters.count(PERMISSION_ROUTE);
  const repoReads = harness.twin.counters.count(REPO_ROUTE);
  const tooMany = await say(harness, where, "alice", `/retag dev ${sha} ${names}`);
  expect(tooMany.reactions).toEqual(["eyes", "confused"]);
  expect(tooMany.replies[0]).toContain("21 services in one command; at most 20");
  // Refused at parsing: only the permission check (which decides about reactions) was asked.
  expect(harness.twin.counters.count(PERMISSION_ROUTE)).toBe(permissionChecks + 1);
  expect(harness.twin.counters.count(REPO_ROUTE)).toBe(repoReads);
});

test("a person over 20 commands a minute is told once to slow down, and nothing more runs", async () => {
  const { harness, ops } = await start();
  const where = { name: "manifests", issueNumber: ops };
  // Four distinct (invalid, so cheap) commands a comment: five comments are the 20 of a minute.
  const four = "/freeze\n/unfreeze\n/resume\n/promote";
  for (let i = 0; i < 5; i++) {
    const answered = await say(harness, where, "bob", four);
    expect(answered.reactions).toEqual(["eyes", "confused"]);
  }
  const over = await say(harness, where, "bob", "/help");
  expect(over.replies).toEqual([
    "@bob slow down: at most 20 commands a minute per person. Nothing of this comment was run; comment again in a minute.\n",
  ]);
  expect(over.reactions).toEqual([]);
  const again = await say(harness, where, "bob", "/help");
  expect([again.replies, again.reactions]).toEqual([[], []]);
  // Someone else is not slowed down by bob.
  expect((await say(harness, where, "alice", "/help")).reactions).toEqual(["eyes", "rocket"]);
});

test("an outsider gets one reply and no reactions, and learns nothing of a private manifests repository", async () => {
  const { harness, web } = await start();
  const where = { name: "web", issueNumber: web };
  const status = await say(harness, where, "eve", "/status\n/freeze prod");
  expect(status.reactions).toEqual([]);
  expect(status.replies).toHaveLength(1);
  expect(status.replies[0]).toContain("@eve may not see what the manifests repository holds");
  expect(status.replies[0]).not.toMatch(/\| (dev|prod) \||`prod`|acme\/manifests/);

  const help = await say(harness, where, "eve", "/help");
  expect([help.reactions, help.replies.length]).toEqual([[], 1]);
  expect(help.replies[0]).toContain("| `/status [<env>]` |");
  expect(help.replies[0]).not.toContain("- prod:");

  // bob may read the manifests repository: he sees the table, and reactions.
  const bobs = await say(harness, where, "bob", "/status");
  expect(bobs.reactions).toEqual(["eyes", "rocket"]);
  expect(bobs.replies[0]).toContain("| prod | [acme/web]");
});

test("/status of a public manifests repository answers anyone", async () => {
  const { harness, web } = await start({ ...webManifests(), private: false });
  const status = await say(harness, { name: "web", issueNumber: web }, "eve", "/status");
  expect(status.reactions).toEqual([]); // still an outsider: one reply, no reactions
  expect(status.replies).toHaveLength(1);
  expect(status.replies[0]).toContain("| prod | [acme/web]");
});

test("a comment's delivery replayed under a new delivery id does not run its commands again", async () => {
  const { harness, ops } = await start();
  const where = { name: "manifests", issueNumber: ops };
  const frozen = await say(harness, where, "alice", "/freeze dev");
  expect(frozen.reactions).toEqual(["eyes", "rocket"]);
  await say(harness, where, "alice", "/unfreeze dev");
  const answered = replies(harness, "manifests", ops).length;

  const replayed = await harness.send("issue_comment", frozen.delivery.payload, "replayed-delivery-id");
  expect(replayed.status).toBe(200);
  await harness.idle();
  const state = parseState((await harness.file("acme", "manifests", STATE_PATH)) ?? undefined);
  expect(state.ok && state.state.freezes).toEqual({});
  expect(replies(harness, "manifests", ops)).toHaveLength(answered);
});

test("30 outsiders' /help in a burst do not hold back a dev deploy: its commit goes before the replies", async () => {
  // 24 content-creating requests a minute: replies may use 8 of them (a third), writes all.
  const perMinute = 24;
  const quiet = `${CONFIG}report:\n  statuses: false\n  deployments: false\n`;
  const manifests = webManifests();
  const { harness, web } = await start(
    {
      ...manifests,
      files: manifests.files!.map((file) =>
        file.path === ".github/gitops-image-bot.yml" ? { ...file, content: quiet } : file,
      ),
    },
    { contentPerMinute: perMinute },
  );
  const created = (): string[] => harness.twin.counters.contentCreating.map((entry) => entry.route);
  const first = created().length;
  for (let i = 0; i < 30; i++)
    await harness.comment({
      owner: "acme",
      name: "web",
      issueNumber: web,
      login: `visitor-${i}`,
      body: "/help",
    });
  // Every reply asked the pacer for its slot once the person's permission was read.
  while (harness.twin.counters.count(PERMISSION_ROUTE) < 30) await tick();
  while (created().length - first < perMinute / 3) await tick();

  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  while ((await harness.deployed(DEV)) !== sha) await tick();

  const order = created().slice(first);
  const commit = order.findIndex((route) => route.includes("createCommitOnBranch"));
  expect(commit).toBeGreaterThanOrEqual(0);
  const repliesBefore = order.slice(0, commit).filter((route) => route === REPLY_ROUTE);
  // Only the replies' share of the window went before the commit; the other 22 wait their turn.
  expect(repliesBefore.length).toBeLessThanOrEqual(perMinute / 3);
  expect(order.filter((route) => route === REACTION_ROUTE)).toEqual([]);
  // The replies still waiting are dropped when the app stops (closeExpectingNoViolations).
});

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 20));
}
