// The reconciliation pass through the real app and the twin: what a lost webhook left behind is
// repaired, a pass with nothing to do writes nothing, holds and freezes are shown and not changed, and
// the dashboard issue is created once and edited only when its text changes.
import { STATE_PATH } from "../../src/state/state-file.js";
import { DASHBOARD_LABEL, DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import {
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
  webManifests,
} from "./bot-harness.js";
import { sampleValue } from "../helpers/metric-sample.js";

let bot: BotHarness;

async function start(state = "", options: Parameters<typeof startBot>[1] = {}): Promise<void> {
  bot = await startBot(
    [webManifests(state ? [{ path: STATE_PATH, content: state }] : []), sourceRepo("web")],
    options,
  );
}

afterEach(() => closeExpectingNoViolations(bot));

/** A build whose webhook arrives. */
async function build(): Promise<string> {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  return sha;
}

/** A build whose webhook never arrives: the run is recorded in GitHub, nothing is sent. */
async function lostBuild(conclusion = "success"): Promise<string> {
  const sha = await bot.commitSource("web");
  bot.twin.store.recordWorkflowRun(bot.repo("acme", "web"), {
    headSha: sha,
    headBranch: "main",
    event: "push",
    conclusion,
  });
  return sha;
}

/** Non-GET REST requests and GraphQL mutations, the installation token aside. */
function contentCreating(): string[] {
  return bot.twin.counters.contentCreating
    .map((entry) => entry.route)
    .filter((route) => !route.includes("access_tokens"));
}

function dashboards() {
  return [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
  );
}

test("a build whose webhook never arrived is deployed by the next pass, in one commit", async () => {
  await start();
  await build();
  const before = (await bot.appCommits()).length;
  const lost = await lostBuild();
  const pass = await bot.reconcile();
  expect(
    pass.kind === "done" && pass.results.map(({ result, found, repaired }) => ({ result, found, repaired })),
  ).toEqual([{ result: "complete", found: 2, repaired: 2 }]);
  expect(await bot.deployed(DEV)).toBe(lost);
  expect(await bot.deployed(PROD)).toBe(lost);
  expect((await bot.appCommits()).length).toBe(before + 1);
  // The repaired build is reported on its commit as a build's would be: written, waiting for Argo CD.
  const statuses = bot.repo("acme", "web").statuses.filter((status) => status.sha === lost);
  expect(statuses.map((status) => [status.context, status.state]).sort()).toEqual([
    ["gitops-image-bot/dev", "pending"],
    ["gitops-image-bot/prod", "pending"],
  ]);
  // And /metrics on the app's server counts it.
  const metrics = await (await fetch(`${new URL(bot.webhookUrl).origin}/metrics`)).text();
  const value = (name: string, labels: Record<string, string> = {}) =>
    sampleValue(metrics, `gitops_image_bot_${name}`, labels);
  expect(value("reconcile_passes_total", { result: "complete" })).toBe(1);
  expect(value("reconcile_drift_found_total")).toBe(2);
  expect(value("reconcile_drift_repaired_total")).toBe(2);
  expect(value("updates_written_total", { environment: "prod", landing: "commit" })).toBe(2);
  expect(value("webhook_events_received_total", { event: "workflow_run" })).toBe(1);
  expect(value("github_requests_total", { method: "POST", status: "200", limit: "none" })).toBeGreaterThan(0);
});

test("a pass with no drift makes no write and no content-creating request; the dashboard is edited only on change", async () => {
  await start();
  const sha = await build();
  await bot.reconcile();
  const [dashboard] = dashboards();
  expect(dashboards()).toHaveLength(1);
  expect(dashboard?.labels).toEqual([DASHBOARD_LABEL]);
  expect(dashboard?.body).toContain(sha.slice(0, 7));
  expect(dashboard?.body).toContain("## prod");

  const commits = (await bot.appCommits()).length;
  bot.twin.counters.reset();
  const pass = await bot.reconcile();
  expect(pass.kind === "done" && pass.results[0]).toMatchObject({
    result: "complete",
    found: 0,
    repaired: 0,
  });
  expect(contentCreating()).toEqual([]);
  expect((await bot.appCommits()).length).toBe(commits);
  expect(dashboards()).toHaveLength(1);

  // A failed build deploys nothing; the dashboard now says the environments are one commit behind.
  await lostBuild("failure");
  bot.twin.counters.reset();
  await bot.reconcile();
  expect(contentCreating()).toEqual(["PATCH /repos/{owner}/{repo}/issues/{issue_number}"]);
  expect((await bot.appCommits()).length).toBe(commits);
  bot.twin.counters.reset();
  await bot.reconcile();
  expect(contentCreating()).toEqual([]);
  // A new successful build whose webhook was lost is repaired and shown.
  const lost = await lostBuild();
  await bot.reconcile();
  expect(await bot.deployed(PROD)).toBe(lost);
  expect(dashboards()).toHaveLength(1);
  expect(dashboards()[0]?.body).toContain(lost.slice(0, 7));
});

test("a held or frozen environment is reported on the dashboard, not changed", async () => {
  await start();
  const first = await build();
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [
      {
        path: STATE_PATH,
        content: [
          "freezes:",
          '  prod: { by: alice, at: "2026-01-01T00:00:00Z", reason: incident 42 }',
          "holds:",
          "  dev:",
          `    ghcr.io/acme/web: { tag: "${first}", by: bob, at: "2026-01-01T00:00:00Z", reason: rollback }`,
          "",
        ].join("\n"),
      },
    ],
    "freeze prod, hold web in dev",
  );
  await lostBuild();
  const commits = (await bot.appCommits()).length;
  bot.twin.counters.reset();
  const pass = await bot.reconcile();
  expect(pass.kind === "done" && pass.results[0]).toMatchObject({ found: 2, repaired: 0, stopped: 2 });
  expect(await bot.deployed(DEV)).toBe(first);
  expect(await bot.deployed(PROD)).toBe(first);
  expect((await bot.appCommits()).length).toBe(commits);
  // Shown, not reported again on the source commit: the dashboard is the only write.
  expect(contentCreating()).toEqual(["POST /repos/{owner}/{repo}/issues"]);
  const body = dashboards()[0]?.body ?? "";
  // Named without a ping (a zero-width space after @): every dashboard edit would notify them again.
  expect(body).toContain("frozen by @\u200balice");
  expect(body).toContain("incident 42");
  expect(body).toContain("held by @\u200bbob");
  expect(body).toMatch(/is behind, and held/);
  expect(body).toMatch(/is behind, and frozen/);
});

test("two passes at once do not both write", async () => {
  await start();
  await build();
  const lost = await lostBuild();
  const before = (await bot.appCommits()).length;
  const [one, two] = await Promise.all([
    bot.bot.reconcile(bot.installation.id),
    bot.bot.reconcile(bot.installation.id),
  ]);
  await bot.idle();
  expect([one?.[0]?.kind, two?.[0]?.kind].sort()).toEqual(["busy", "done"]);
  expect(await bot.deployed(PROD)).toBe(lost);
  expect((await bot.appCommits()).length).toBe(before + 1);
  expect(dashboards()).toHaveLength(1);
});

test("the scheduler runs passes by itself when they are due: a lost build is deployed without anyone asking", async () => {
  let clock = Date.parse("2026-11-22T10:00:00Z");
  await start("", { scheduleTickMs: 50, now: () => clock });
  await build();
  const lost = await lostBuild();
  // The pass at start-up found nothing to do; the next one is due 10 minutes (±10%) later.
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(await bot.deployed(PROD)).not.toBe(lost);
  clock += 11 * 60_000;
  // However long the pass takes on this machine: the test's budget bounds the wait.
  while ((await bot.deployed(PROD)) !== lost) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(await bot.deployed(PROD)).toBe(lost);
  await bot.idle();
});

test("a pass changes only the environments it found behind: a hand-written tag stays", async () => {
  await start();
  await build();
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [{ path: PROD, content: overlay("ghcr.io/acme/web", "v1.2.3") }],
    "prod pinned by hand",
  );
  const lost = await lostBuild();
  const pass = await bot.reconcile();
  expect(pass.kind === "done" && pass.results[0]).toMatchObject({ found: 1, repaired: 1 });
  expect(await bot.deployed(DEV)).toBe(lost);
  expect(await bot.deployed(PROD)).toBe("v1.2.3");
  expect(dashboards()[0]?.body).toContain("the tag is not one `{sha}` makes, so its commit is unknown");
});
