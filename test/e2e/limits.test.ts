// GitHub's size limits end to end: the twin refuses what GitHub refuses (bodies and comments over 65,536
// characters), and everything the app writes fits: the dashboard of 300 services x 3 environments, the
// `/status` of one environment, and the reply to a comment with 10,000 commands.
import { manifestsRepoFiles, serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import {
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  type BotHarness,
  webManifests,
} from "./bot-harness.js";

const BOT = "gitops-image-bot[bot]";
/** GitHub's limit on an issue body and on a comment, in code points. */
const LIMIT = 65_536;
const characters = (text: string | null | undefined) => Array.from(text ?? "").length;

let bot: BotHarness | undefined;
afterEach(async () => {
  if (bot) await closeExpectingNoViolations(bot);
  bot = undefined;
});

/** The app's comments on an issue, oldest first. */
function replies(harness: BotHarness, issueNumber: number) {
  return [...harness.repo("acme", "manifests").comments.values()].filter(
    (comment) => comment.user.login === BOT && comment.issueNumber === issueNumber,
  );
}

test(
  "a comment with /help 10,000 times gets one reply that fits and says the repeats ran once",
  async () => {
    bot = await startBot([webManifests(), sourceRepo("web")]);
    const { number } = await bot.openIssue({
      owner: "acme",
      name: "manifests",
      login: "alice",
      title: "ops",
    });
    const body = "/help\n".repeat(10_000);
    const { id } = await bot.comment({
      owner: "acme",
      name: "manifests",
      issueNumber: number,
      login: "alice",
      body,
    });
    await bot.idle();

    const answers = replies(bot, number);
    expect(answers).toHaveLength(1);
    const reply = answers[0]!.body;
    expect(characters(reply)).toBeLessThanOrEqual(LIMIT);
    // The same command repeated runs once.
    expect(reply.match(/^- ✅ `\/help`: the commands are listed below$/gm)).toHaveLength(1);
    expect(reply).toContain("9999 repeated commands run once.");
    expect(reply).toContain("| `/status [<env>]` |");
    const reactions = bot
      .repo("acme", "manifests")
      .comments.get(id)!
      .reactions.map((r) => r.content);
    expect(reactions).toEqual(["eyes", "rocket"]);
  },
  // The work: parsing 10,000 lines and one reply; the default budget of an e2e test is enough thrice.
  90_000,
);

const SERVICES = 300;
const ENVIRONMENTS = ["dev", "qa", "prod"] as const;
const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/overlays/dev/**"] }
  qa: { paths: ["apps/*/overlays/qa/**"] }
  prod: { paths: ["apps/*/overlays/prod/**"] }
report:
  statuses: false
  deployments: false
`;

test(
  "the dashboard of 300 services x 3 environments is created and fits; /status of one environment fits too",
  async () => {
    const names = serviceNames(SERVICES);
    const harness = await startBot([
      { name: "manifests", files: [{ path: ".github/gitops-image-bot.yml", content: CONFIG }] },
      ...names.map((name) => sourceRepo(name)),
    ]);
    bot = harness;
    const store = harness.twin.store;
    // Each service built once on main; every environment runs that build, but the first ten services'
    // newest builds were never deployed (their webhooks lost), so the pass has some repairs to do.
    const deployed = new Map<string, string>();
    for (const [index, name] of names.entries()) {
      const repo = harness.repo("acme", name);
      const sha = await harness.commitSource(name);
      store.recordWorkflowRun(repo, { headSha: sha, headBranch: "main", event: "push" });
      deployed.set(name, sha);
      if (index < 10) {
        const newer = await harness.commitSource(name);
        store.recordWorkflowRun(repo, { headSha: newer, headBranch: "main", event: "push" });
      }
    }
    const files = manifestsRepoFiles({ services: SERVICES, environments: [...ENVIRONMENTS] }).map((file) => {
      const service = /^apps\/([^/]+)\/overlays\//.exec(file.path)?.[1];
      const sha = service === undefined ? undefined : deployed.get(service);
      return sha === undefined
        ? file
        : { ...file, content: String(file.content).replace(/newTag: "[0-9a-f]{40}"/, `newTag: "${sha}"`) };
    });
    await store.commitFiles(harness.repo("acme", "manifests"), "main", files, "300 services");

    const pass = await harness.reconcile();
    expect(pass.kind === "done" && pass.results.map(({ result, found }) => ({ result, found }))).toEqual([
      { result: "complete", found: 30 },
    ]);
    // The pass after the repairs draws the dashboard of a settled picture.
    await harness.reconcile();
    const dashboards = [...harness.repo("acme", "manifests").issues.values()].filter(
      (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
    );
    expect(dashboards).toHaveLength(1);
    const dashboard = dashboards[0]!.body ?? "";
    expect(characters(dashboard)).toBeLessThanOrEqual(LIMIT);
    for (const environment of ENVIRONMENTS) {
      expect(dashboard).toContain(
        `## ${environment}\n\n<details><summary>300 images: 300 on the newest build`,
      );
      expect(dashboard).toMatch(new RegExp(`… and \\d+ more: comment \`/status ${environment}\``));
    }

    await harness.comment({
      owner: "acme",
      name: "manifests",
      issueNumber: dashboards[0]!.number,
      login: "alice",
      body: "/status prod",
    });
    await harness.idle();
    const [status] = replies(harness, dashboards[0]!.number);
    expect(characters(status?.body)).toBeLessThanOrEqual(LIMIT);
    expect(status?.body).toContain("✅ `/status prod`: what runs where is below");
    expect(status?.body).toMatch(/_… \d+ more rows not shown: a comment holds at most 65536 characters/);
    expect(status?.body.match(/^\| prod \|/gm)?.length).toBeGreaterThan(100);
  },
  // The work: 300 source repositories with two builds each, 900 manifests files and two passes over
  // them; a loaded machine takes minutes for the git work, so the budget is ten.
  600_000,
);
