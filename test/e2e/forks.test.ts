// Fork code never reaches production (#15, item 4): an outsider's fork pull request from a branch named
// like the app's is never the app's pull request, and `/retag` without a SHA on a fork's pull request
// whose branch is `main` deploys nothing. Real server, real twin, fork pull requests as GitHub has them.
import {
  closeExpectingNoViolations,
  DEV,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  type BotHarness,
} from "./bot-harness.js";

const ZERO = "0000000000000000000000000000000000000000";
const BOT = "gitops-image-bot[bot]";
const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";

const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    branches: ["**"]
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request
    branches: [main]
`;

let bot: BotHarness;

async function start(): Promise<void> {
  bot = await startBot(
    [
      {
        name: "manifests",
        private: false,
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: DEV, content: overlay("ghcr.io/acme/web", ZERO) },
          { path: PROD, content: overlay("ghcr.io/acme/web", ZERO) },
        ],
      },
      { ...sourceRepo("web"), private: false },
    ],
    { contentPerMinute: 80 },
  );
  bot.twin.store.account("mallory"); // an outsider: a person, not an organisation
  bot.setPermission("acme", "manifests", "alice", "write");
}

afterEach(() => closeExpectingNoViolations(bot));

/** mallory forks `acme/<name>`, pushes to `branch` of the fork and opens a pull request from it. */
async function forkPull(name: string, branch: string, files = [{ path: "evil.yaml", content: "x: 1\n" }]) {
  await bot.twin.store.createRepo({ owner: "mallory", name, forkOf: `acme/${name}`, private: false });
  const sha = await bot.push({
    owner: "mallory",
    name,
    branch,
    files,
    login: "mallory",
    message: "innocent",
  });
  const { number } = await bot.openPull({
    owner: "acme",
    name,
    head: `mallory:${branch}`,
    login: "mallory",
    title: "a harmless tweak",
    body: "please merge",
  });
  return { sha, number };
}

function replies(owner: string, name: string): string[] {
  return [...bot.repo(owner, name).comments.values()]
    .filter((comment) => comment.user.login === BOT)
    .map((comment) => comment.body);
}

/** The pull requests the app itself opened in acme/manifests. */
function appPulls() {
  return [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => issue.pull && issue.user.login === BOT,
  );
}

test("an outsider's fork PR from the app's branch name, opened first, is never taken for the app's own", async () => {
  await start();
  const fork = await forkPull("manifests", BRANCH);
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();

  // The fork's PR is untouched.
  const forkIssue = bot.repo("acme", "manifests").issues.get(fork.number)!;
  expect(forkIssue).toMatchObject({ title: "a harmless tweak", body: "please merge", state: "open" });
  expect(forkIssue.pull?.headSha).toBe(fork.sha);
  // The app opened its own, from its branch in acme/manifests, carrying the new tag.
  const own = appPulls();
  expect(own).toHaveLength(1);
  expect(own[0]).toMatchObject({ title: `deploy web ${sha.slice(0, 7)} to prod`, state: "open" });
  expect(own[0]!.pull?.headRepo).toBe(bot.repo("acme", "manifests"));
  expect(await bot.file("acme", "manifests", PROD, BRANCH)).toBe(overlay("ghcr.io/acme/web", sha));
  // The source commit's status points at the app's pull request, not the fork's.
  const prod = bot
    .repo("acme", "web")
    .statuses.filter((status) => status.sha === sha && status.context === "gitops-image-bot/prod");
  expect(prod.map((status) => [status.state, status.targetUrl])).toEqual([
    ["pending", `${bot.twin.urls.web}/acme/manifests/pull/${own[0]!.number}`],
  ]);

  // A second build updates the app's own pull request; the fork's is still untouched.
  const next = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", next));
  await bot.idle();
  expect(appPulls().map((issue) => issue.title)).toEqual([`deploy web ${next.slice(0, 7)} to prod`]);
  expect(bot.repo("acme", "manifests").issues.get(fork.number)).toMatchObject({
    title: "a harmless tweak",
    body: "please merge",
  });

  // The dashboard lists the app's pull request only.
  await bot.reconcile();
  const dashboard = [...bot.repo("acme", "manifests").issues.values()].find(
    (issue) => !issue.pull && issue.user.login === BOT,
  );
  expect(dashboard?.body).toContain(`/acme/manifests/pull/${own[0]!.number})`);
  expect(dashboard?.body).not.toContain(`/pull/${fork.number})`);
  expect(dashboard?.body).not.toContain("a harmless tweak");
});

test("/retag dev without a SHA on a fork's PR from a branch called main is refused and deploys nothing", async () => {
  await start();
  const fork = await forkPull("web", "main", [{ path: "src/version.txt", content: "pwned\n" }]);
  // The fork's pull-request build succeeded (GitHub runs it in the base repository, on the fork's code).
  await bot.send(
    "workflow_run",
    bot.workflowRunPayload("acme", "web", {
      headSha: fork.sha,
      headBranch: "main",
      event: "pull_request",
      headRepository: bot.repo("mallory", "web"),
    }).payload,
  );
  await bot.idle();
  await bot.comment({
    owner: "acme",
    name: "web",
    issueNumber: fork.number,
    login: "alice",
    body: "/retag dev",
  });
  await bot.idle();
  expect(replies("acme", "web")).toEqual([
    expect.stringContaining(
      "this pull request's code comes from mallory/web: another repository's code never deploys",
    ),
  ]);
  expect(await bot.deployed(DEV)).toBe(ZERO);
  expect(await bot.deployed(PROD)).toBe(ZERO);
  expect(await bot.appCommits()).toEqual([]);
});

test("/retag in a fork's PR named like the app's branch is not a /retag of the app's pull request", async () => {
  await start();
  const fork = await forkPull("manifests", BRANCH);
  const sha = await bot.commitSource("web");
  bot.workflowRun("web", sha); // its build succeeded (recorded, not sent)
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: fork.number,
    login: "alice",
    body: `/retag prod ${sha.slice(0, 7)}`,
  });
  await bot.idle();
  // Not the app's pull request: the command must name its service, and nothing is proposed.
  expect(replies("acme", "manifests")).toEqual([expect.stringContaining("<service>")]);
  expect(appPulls()).toEqual([]);
  expect(await bot.file("acme", "manifests", PROD, BRANCH)).toBeNull();
  expect(bot.repo("acme", "manifests").issues.get(fork.number)?.title).toBe("a harmless tweak");
});

test("a person's PR from the app's branch in the manifests repository is not adopted: the build is skipped with the reason", async () => {
  await start();
  await bot.push({
    owner: "acme",
    name: "manifests",
    branch: BRANCH,
    files: [{ path: PROD, content: overlay("ghcr.io/acme/web", "1".repeat(40)) }],
    login: "alice",
  });
  const { number } = await bot.openPull({
    owner: "acme",
    name: "manifests",
    head: BRANCH,
    login: "alice",
    title: "by hand",
  });
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  expect(bot.repo("acme", "manifests").issues.get(number)).toMatchObject({ title: "by hand", state: "open" });
  expect(appPulls()).toEqual([]);
  const prod = bot
    .repo("acme", "web")
    .statuses.filter((status) => status.sha === sha && status.context === "gitops-image-bot/prod");
  // `#N` carries a zero-width space after `#` (untrusted text never makes a reference): it reads the same.
  expect(prod.map((status) => status.description)).toEqual([
    expect.stringMatching(new RegExp(`#\u200b?${number} by alice is open from the app's branch`)),
  ]);
  // dev is committed as usual.
  expect(await bot.deployed(DEV)).toBe(sha);
});
