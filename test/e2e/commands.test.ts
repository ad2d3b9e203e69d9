// Slash commands end to end: a person comments, the app reacts, runs the command through the deploy
// queue, answers, and what changed is in git (the manifests and .github/gitops-image-bot-state.yml).
import { parseState, STATE_PATH } from "../../src/state/state-file.js";
import { createPull } from "../../twin/pulls.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
  OLD,
  webManifests,
} from "./bot-harness.js";

const BOT = "gitops-image-bot[bot]";

let bot: BotHarness;
let issue: number;

beforeEach(async () => {
  bot = await startBot([webManifests(), sourceRepo("web")]);
  bot.setPermission("acme", "manifests", "alice", "write");
  bot.setPermission("acme", "manifests", "bob", "read");
  issue = (await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" })).number;
});

afterEach(() => closeExpectingNoViolations(bot));

/** Comments as `login`, waits for the app to finish, and returns the app's reply and its reactions. */
async function say(body: string, login = "alice", where = { name: "manifests", issueNumber: -1 }) {
  const issueNumber = where.issueNumber === -1 ? issue : where.issueNumber;
  const { id } = await bot.comment({ owner: "acme", name: where.name, issueNumber, login, body });
  await bot.idle();
  const repo = bot.repo("acme", where.name);
  const replies = [...repo.comments.values()].filter(
    (comment) => comment.user.login === BOT && comment.issueNumber === issueNumber,
  );
  return {
    reply: replies.at(-1)?.body,
    replies: replies.length,
    reactions: repo.comments.get(id)!.reactions.map((reaction) => reaction.content),
  };
}

async function state() {
  const parsed = parseState((await bot.file("acme", "manifests", STATE_PATH)) ?? undefined);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.state;
}

async function build(branch = "main"): Promise<string> {
  const sha = await bot.commitSource("web", branch);
  await bot.send("workflow_run", bot.workflowRun("web", sha, { head_branch: branch }));
  await bot.idle();
  return sha;
}

test("/freeze stops automatic deploys to an environment, /unfreeze restarts them", async () => {
  const frozen = await say("/freeze prod 2h incident 42");
  expect(frozen.reactions).toEqual(["eyes", "rocket"]);
  expect(frozen.reply).toMatch(
    /✅ `\/freeze prod 2h incident 42`: freeze prod until .* \(by @\u200balice: incident 42\) in \[[0-9a-f]{7}\]/,
  );
  expect((await state()).freezes["prod"]).toMatchObject({ by: "alice", reason: "incident 42" });

  const first = await build();
  expect(await bot.deployed(DEV)).toBe(first);
  expect(await bot.deployed(PROD)).toBe(OLD);

  expect((await say("/unfreeze prod")).reactions).toEqual(["eyes", "rocket"]);
  expect((await state()).freezes["prod"]).toBeUndefined();
  const second = await build();
  expect(await bot.deployed(PROD)).toBe(second);
});

test("a changing command needs write permission on the manifests repository; nothing is written", async () => {
  const before = await bot.file("acme", "manifests", STATE_PATH);
  const denied = await say("/freeze prod", "bob");
  expect(denied.reactions).toEqual(["eyes", "confused"]);
  expect(denied.reply).toContain("@bob may not change `prod`");
  expect(await bot.file("acme", "manifests", STATE_PATH)).toBe(before);
});

test("bots, quotes and code blocks are not commands", async () => {
  const fromBot = await say("/freeze prod", "renovate[bot]");
  const quoted = await say("> /freeze prod\n\n```\n/freeze prod\n```\n    /freeze prod");
  expect([fromBot.replies, fromBot.reactions, quoted.reactions]).toEqual([0, [], []]);
  expect(await bot.file("acme", "manifests", STATE_PATH)).toBeNull();
});

test("bad input gets the problem and the fix, and runs nothing of the comment", async () => {
  const result = await say("/freeze staging\n/unfreeze prod\n/rollback");
  expect(result.reactions).toEqual(["eyes", "confused"]);
  expect(result.reply).toContain("/rollback");
  const unknown = await say("/freeze staging");
  expect(unknown.reply).toContain("has no environment `staging`");
  expect(unknown.reply).toContain("`dev`, `prod`");
  expect(await bot.file("acme", "manifests", STATE_PATH)).toBeNull();
});

test("/help lists the commands and who may run them", async () => {
  const help = await say("/help", "bob");
  expect(help.reactions).toEqual(["eyes", "rocket"]);
  expect(help.reply).toContain("/rollback <env> [<sha>|<n>]");
  expect(help.reply).toContain("- prod: write permission on the manifests repository");
});

test("/retag on a source pull request deploys its head build to that environment only", async () => {
  await build();
  const head = await bot.commitSource("web", "feature/x");
  const web = bot.repo("acme", "web");
  const pull = await createPull(bot.twin, web, {
    title: "feature",
    body: null,
    head: "feature/x",
    base: "main",
    draft: false,
    user: bot.twin.store.account("alice"),
  });
  await bot.send(
    "workflow_run",
    bot.workflowRun("web", head, { head_branch: "feature/x", event: "pull_request" }),
  );
  await bot.idle();
  expect(await bot.deployed(DEV)).not.toBe(head); // a pull request's build does not deploy by itself

  const retag = await say("/retag dev", "alice", { name: "web", issueNumber: pull.number });
  expect(retag.reactions).toEqual(["eyes", "rocket"]);
  expect(retag.reply).toContain(`ghcr.io/acme/web:${head} → dev in [`);
  expect(await bot.deployed(DEV)).toBe(head);
  expect(await bot.deployed(PROD)).not.toBe(head);
});

test("/retag refuses an older build without --force and writes it with", async () => {
  const older = await build();
  const newer = await build();
  expect(await bot.deployed(DEV)).toBe(newer);
  const refused = await say(`/retag dev ${older.slice(0, 7)} web`);
  expect(refused.reactions).toEqual(["eyes", "confused"]);
  expect(refused.reply).toContain("older than the deployed");
  expect(refused.reply).toContain("--force");
  expect(await bot.deployed(DEV)).toBe(newer);
  expect((await say(`/retag dev ${older.slice(0, 7)} web --force`)).reactions).toEqual(["eyes", "rocket"]);
  expect(await bot.deployed(DEV)).toBe(older);
});

test("/retag of a commit whose build never succeeded is refused", async () => {
  const sha = await bot.commitSource("web");
  const result = await say(`/retag dev ${sha} web`);
  expect(result.reply).toContain(`no build of ${sha.slice(0, 7)} in acme/web succeeded`);
  expect(await bot.deployed(DEV)).toBe(OLD);
});

test("/rollback puts the previous build back and holds it until /resume", async () => {
  const first = await build();
  const second = await build();
  expect(await bot.deployed(PROD)).toBe(second);

  const rolled = await say("/rollback prod web");
  expect(rolled.reactions).toEqual(["eyes", "rocket"]);
  expect(await bot.deployed(PROD)).toBe(first);
  expect((await state()).holds["prod"]?.["ghcr.io/acme/web"]).toMatchObject({ tag: first, by: "alice" });

  const third = await build();
  expect(await bot.deployed(DEV)).toBe(third);
  expect(await bot.deployed(PROD)).toBe(first); // the hold wins over the automatic update

  expect((await say("/resume prod")).reactions).toEqual(["eyes", "rocket"]);
  expect((await state()).holds).toEqual({});
  const fourth = await build();
  expect(await bot.deployed(PROD)).toBe(fourth);
});

test("a person's /retag goes through a freeze, and the reply says the environment is frozen", async () => {
  await say("/freeze dev incident 7");
  const sha = await build();
  expect(await bot.deployed(DEV)).toBe(OLD);
  const retag = await say(`/retag dev ${sha} web`);
  expect(retag.reactions).toEqual(["eyes", "rocket"]);
  expect(retag.reply).toContain(
    "dev is frozen by @\u200balice (incident 7): this change was made because you asked for it",
  );
  expect(await bot.deployed(DEV)).toBe(sha);
});

test("/promote copies what dev runs to prod through prod's pull request", async () => {
  await prodThroughPullRequests();
  await say("/freeze prod"); // automatic builds stop at dev
  const sha = await build();
  expect(await bot.deployed(DEV)).toBe(sha);
  const promoted = await say("/promote dev prod web");
  expect(promoted.reactions).toEqual(["eyes", "rocket"]);
  expect(promoted.reply).toMatch(new RegExp(`ghcr.io/acme/web:${sha} → prod in \\[#\\d+\\]`));
  const pulls = [...bot.repo("acme", "manifests").issues.values()].filter(
    (entry) => entry.pull && entry.state === "open",
  );
  expect(pulls).toHaveLength(1);
  expect(await bot.file("acme", "manifests", PROD, pulls[0]!.pull!.headRef)).toContain(sha);
  expect(await bot.deployed(PROD)).toBe(OLD);
});

/** Switches prod to pull requests (the app's living pull request per environment and image). */
async function prodThroughPullRequests(): Promise<void> {
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [
      {
        path: ".github/gitops-image-bot.yml",
        content: CONFIG.replace(
          /mode: commit\n(\s+)branches: \[main\]/,
          "mode: pull-request\n$1branches: [main]",
        ),
      },
    ],
    "prod through pull requests",
  );
}

test("/retag in the app's own pull request changes the tag it carries", async () => {
  await prodThroughPullRequests();
  const first = await build();
  const second = await build();
  const pulls = [...bot.repo("acme", "manifests").issues.values()].filter(
    (entry) => entry.pull && entry.state === "open",
  );
  expect(pulls).toHaveLength(1);
  const pull = pulls[0]!;
  expect(await bot.file("acme", "manifests", PROD, pull.pull!.headRef)).toContain(second);

  // The pull request's build is newer: the older one needs --force, as for any /retag.
  const refused = await say(`/retag prod ${first.slice(0, 7)}`, "alice", {
    name: "manifests",
    issueNumber: pull.number,
  });
  expect(refused.reactions).toEqual(["eyes", "confused"]);
  const forced = await say(`/retag prod ${first.slice(0, 7)} --force`, "alice", {
    name: "manifests",
    issueNumber: pull.number,
  });
  expect(forced.reactions).toEqual(["eyes", "rocket"]);
  expect(forced.reply).toContain(`→ prod in [#${pull.number}]`);
  expect(await bot.file("acme", "manifests", PROD, pull.pull!.headRef)).toContain(first);
  expect(await bot.deployed(PROD)).toBe(OLD); // still a pull request: nothing merged

  const wrongEnv = await say(`/retag dev ${first.slice(0, 7)}`, "alice", {
    name: "manifests",
    issueNumber: pull.number,
  });
  expect(wrongEnv.reply).toContain("this pull request changes prod, not dev");
});

test("a command for an image no file of the environment deploys says so", async () => {
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [{ path: PROD, content: overlay("ghcr.io/acme/other", OLD) }],
    "prod runs another image",
  );
  const sha = await build();
  const result = await say(`/retag prod ${sha.slice(0, 7)} web`);
  expect(result.reactions).toEqual(["eyes", "confused"]);
  expect(result.reply).toContain("no file in that environment deploys this image");
});

test("/status answers anyone with what runs where; /reconcile repairs a lost build", async () => {
  const sha = await build();
  const status = await say("/status prod", "bob");
  expect(status.reactions).toEqual(["eyes", "rocket"]);
  expect(status.reply).toContain("| Environment | Service | Tag | Source commit | Age | Behind | State |");
  expect(status.reply).toMatch(
    new RegExp(`\\| prod \\| \\[acme/web\\]\\(.*\\) \\| \`${sha}\` \\| \\[${sha.slice(0, 7)}\\]`),
  );
  expect(status.reply).toContain("✅ newest build");
  expect(status.reply).not.toContain("| dev |");

  // A build whose webhook was lost: /status shows it behind; /reconcile (write permission) repairs it.
  const lost = await bot.commitSource("web");
  bot.twin.store.recordWorkflowRun(bot.repo("acme", "web"), { headSha: lost, headBranch: "main" });
  expect((await say("/status", "bob")).reply).toContain(`⏳ newest build is [${lost.slice(0, 7)}]`);
  expect((await say("/reconcile", "bob")).reactions).toEqual(["eyes", "confused"]);
  const reconciled = await say("/reconcile");
  expect(reconciled.reactions).toEqual(["eyes", "rocket"]);
  expect(reconciled.reply).toContain("acme/manifests: 2 behind the newest build, 2 repaired");
  expect(await bot.deployed(PROD)).toBe(lost);
  expect((await say("/status unknown")).reply).toContain("has no environment `unknown`");
});

test("/rollback to a SHA: back to a build prod ran (7 hex digits), never to an unknown commit or a feature build", async () => {
  const first = await build();
  const second = await build();
  const feature = await build("feature");
  expect(await bot.deployed(DEV)).toBe(feature);
  expect(await bot.deployed(PROD)).toBe(second);

  const unknown = await say("/rollback prod 1234567 web");
  expect(unknown.reply).toContain("acme/web has no commit 1234567");
  const other = await say(`/rollback prod ${feature} web`);
  expect(other.reply).toContain(`is not on a branch that may deploy there`);
  expect(await bot.deployed(PROD)).toBe(second);
  expect((await state()).holds).toEqual({});

  const back = await say(`/rollback prod ${first.slice(0, 7)} web`);
  expect(back.reactions).toEqual(["eyes", "rocket"]);
  expect(await bot.deployed(PROD)).toBe(first);
  expect((await state()).holds["prod"]?.["ghcr.io/acme/web"]).toMatchObject({ tag: first, by: "alice" });
});
