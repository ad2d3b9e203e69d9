// The deployment lifecycle on the source commit (#16): written -> pending (pull request) or in_progress
// (on the branch) -> success when Argo CD says Synced and Healthy, failure when Degraded; the app's pull
// request merged or closed; onDegraded hold and rollback. Real Probot server, the GitHub twin, and
// Argo CD's observations fed through `Bot.observe` as the /api/argocd endpoint would.
import { parse } from "yaml";
import type { EnvironmentObservation, Observation } from "../../src/core/feedback/observation.js";
import { STATE_PATH } from "../../src/state/state-file.js";
import type { DeploymentRecord } from "../../twin/state.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  type BotHarness,
} from "./bot-harness.js";
import { sampleValue } from "../helpers/metric-sample.js";

let bot: BotHarness;
afterEach(() => closeExpectingNoViolations(bot));

const ARGO = "https://argocd.example.com/applications/argocd";
const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";

async function start(config: string): Promise<void> {
  bot = await startBot(
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: config },
          { path: DEV, content: overlay("ghcr.io/acme/web", OLD) },
          { path: PROD, content: overlay("ghcr.io/acme/web", OLD) },
        ],
      },
      sourceRepo("web"),
    ],
    { contentPerMinute: 80 },
  );
}

async function build(): Promise<string> {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  return sha;
}

/** What Argo CD says about acme/web's application in `environment`: its images in status.summary.images. */
function observed(
  environment: string,
  tag: string,
  fields: Partial<Observation> = {},
): EnvironmentObservation {
  return {
    installationId: bot.installation.id,
    manifests: { owner: "acme", name: "manifests" },
    environment,
    observation: {
      application: `web-${environment}`,
      namespace: "argocd",
      project: "default",
      labels: {},
      sources: [
        {
          repoURL: "https://github.com/acme/manifests.git",
          path: `apps/web/overlays/${environment}`,
          targetRevision: "main",
        },
      ],
      revision: undefined,
      syncStatus: "Synced",
      healthStatus: "Healthy",
      healthMessage: undefined,
      operationPhase: "Succeeded",
      operationMessage: undefined,
      images: [`ghcr.io/acme/web:${tag}`, "docker.io/library/redis:7"],
      observedAt: Date.now(),
      url: `${ARGO}/web-${environment}`,
      via: "notification",
      ...fields,
    },
  };
}

const degraded = (environment: string, tag: string, message: string) =>
  observed(environment, tag, { healthStatus: "Degraded", healthMessage: message });

/** Feeds observations and waits for what they start; returns the GitHub requests they cost. */
async function observe(...observations: EnvironmentObservation[]): Promise<number> {
  const before = bot.twin.counters.total;
  await bot.bot.observe(observations);
  await bot.idle();
  return bot.twin.counters.total - before;
}

function deployment(sha: string, environment: string): DeploymentRecord {
  const found = [...bot.repo("acme", "web").deployments.values()].filter(
    (one) => one.sha === sha && one.environment === environment,
  );
  expect(found).toHaveLength(1); // created once, updated in place
  return found[0]!;
}

function latest(sha: string, environment: string) {
  const status = deployment(sha, environment).statuses.at(-1)!;
  return { state: status.state, description: status.description };
}

function commitStatus(sha: string, environment: string) {
  const status = bot
    .repo("acme", "web")
    .statuses.filter((one) => one.sha === sha && one.context === `gitops-image-bot/${environment}`)
    .at(-1);
  return status && { state: status.state, description: status.description, url: status.targetUrl };
}

async function stateFile(): Promise<{ holds?: Record<string, Record<string, Record<string, string>>> }> {
  return parse((await bot.file("acme", "manifests", STATE_PATH)) ?? "{}") as {
    holds?: Record<string, Record<string, Record<string, string>>>;
  };
}

test("commit mode: in_progress until Argo CD says Healthy, then success with its URL; a newer success makes the older inactive", async () => {
  await start(CONFIG);
  const first = await build();
  const main = (await bot.appCommits()).at(-1)!;
  const waiting = `on main at ${main.slice(0, 7)}, waiting for Argo CD`;
  expect(latest(first, "dev")).toEqual({ state: "in_progress", description: waiting });
  expect(commitStatus(first, "dev")).toMatchObject({ state: "pending", description: waiting });
  expect(deployment(first, "dev").productionEnvironment).toBe(false);
  expect(deployment(first, "prod").productionEnvironment).toBe(true);

  // Healthy 3m12s after the tag reached the branch (Argo CD's time of the observation).
  const requests = await observe(observed("dev", first, { observedAt: Date.now() + 192_000 }));
  const success = deployment(first, "dev").statuses.at(-1)!;
  expect(success.state).toBe("success");
  // The reporter's clock ran a little before the observation: a slow machine adds seconds, not minutes.
  expect(success.description).toMatch(/^Synced and Healthy in 3m(1[2-9]|[2-5]\d)s$/);
  expect(success.environmentUrl).toBe(`${ARGO}/web-dev`);
  expect(success.logUrl).toBe(`${ARGO}/web-dev`);
  expect(commitStatus(first, "dev")).toEqual({
    state: "success",
    description: success.description,
    url: `${ARGO}/web-dev`,
  });
  expect(latest(first, "prod").state).toBe("in_progress"); // nothing observed there yet
  expect(requests).toBe(2); // one deployment status, one commit status
  // Lead time for changes to Healthy: from the source commit's time (the run's head_commit) to Argo CD's.
  expect(
    sampleValue(await bot.bot.metrics.text(), "gitops_image_bot_lead_time_seconds_count", {
      environment: "dev",
      to: "healthy",
    }),
  ).toBe(1);
  expect(await observe(observed("dev", first))).toBe(0); // a repeat costs nothing

  const second = await build();
  expect(await observe(observed("dev", second))).toBe(2);
  expect(latest(second, "dev").state).toBe("success");
  expect(latest(first, "dev").state).toBe("inactive"); // GitHub's auto_inactive
  expect(commitStatus(first, "dev")?.state).toBe("success"); // it did run

  // prod is a production environment: GitHub leaves older deployments alone, the app does it.
  await observe(observed("prod", first));
  expect(await observe(observed("prod", second))).toBe(3);
  expect(latest(second, "prod").state).toBe("success");
  expect(latest(first, "prod")).toEqual({
    state: "inactive",
    description: `replaced by ${second.slice(0, 7)}`,
  });
});

const PR_CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request
    branches: [main]
`;

function openPull(): number {
  const open = [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => issue.pull?.headRef === BRANCH && issue.state === "open",
  );
  expect(open).toHaveLength(1);
  return open[0]!.number;
}

test("pull-request mode: pending, in_progress once a person merges it, success when Healthy", async () => {
  await start(PR_CONFIG);
  const sha = await build();
  const number = openPull();
  const proposed = `proposed in acme/manifests#${number}, waiting for review`;
  expect(latest(sha, "prod")).toEqual({ state: "pending", description: proposed });
  expect(commitStatus(sha, "prod")).toMatchObject({ state: "pending", description: proposed });

  const merge = await bot.mergePull({ owner: "acme", name: "manifests", number, login: "alice" });
  await bot.idle();
  const onMain = `on main at ${merge.slice(0, 7)}, waiting for Argo CD`;
  expect(latest(sha, "prod")).toEqual({ state: "in_progress", description: onMain });
  expect(commitStatus(sha, "prod")).toMatchObject({ state: "pending", description: onMain });

  await observe(observed("prod", sha));
  expect(latest(sha, "prod")).toEqual({
    state: "success",
    description: expect.stringMatching(/^Synced and Healthy in \d+s$/),
  });
  expect(commitStatus(sha, "prod")?.state).toBe("success");
});

test("pull-request mode: superseded by a newer build, then closed unmerged: inactive with the reason", async () => {
  await start(PR_CONFIG);
  const first = await build();
  const second = await build();
  const number = openPull();
  const superseded = `superseded by ${second.slice(0, 7)}`;
  expect(latest(first, "prod")).toEqual({ state: "inactive", description: superseded });
  expect(commitStatus(first, "prod")).toMatchObject({ state: "error", description: superseded });
  expect(latest(second, "prod").state).toBe("pending");

  await bot.closePull({ owner: "acme", name: "manifests", number, login: "alice" });
  await bot.idle();
  const closed = `closed without merging (#${number})`;
  expect(latest(second, "prod")).toEqual({ state: "inactive", description: closed });
  expect(commitStatus(second, "prod")).toMatchObject({ state: "error", description: closed });
  expect(latest(first, "prod").description).toBe(superseded); // ended once, not again
});

test("Degraded: failure with Argo CD's message as one line of plain text, within 140 characters", async () => {
  await start(CONFIG);
  const sha = await build();
  const message = `Deployment "web" exceeded its progress deadline\n<b>@alice</b> ${"x".repeat(200)}`;
  expect(await observe(degraded("dev", sha, message))).toBe(2);
  const failure = latest(sha, "dev");
  expect(failure.state).toBe("failure");
  expect(failure.description).toMatch(
    /^Degraded: Deployment "web" exceeded its progress deadline <b>@alice<\/b> x+…$/,
  );
  expect([...failure.description].length).toBe(140);
  expect(commitStatus(sha, "dev")).toMatchObject({ state: "failure", description: failure.description });

  const failed = await build();
  await observe(
    observed("dev", failed, {
      operationPhase: "Failed",
      operationMessage: "one or more objects failed to apply",
    }),
  );
  expect(latest(failed, "dev")).toEqual({
    state: "failure",
    description: "sync failed: one or more objects failed to apply",
  });
});

const withOnDegraded = (setting: string) =>
  CONFIG.replace(
    `    branches: ["**"] # any branch\n`,
    `    branches: ["**"] # any branch\n    onDegraded: ${setting}\n`,
  );

test("onDegraded: hold keeps the bad tag, holds it, and the next build is not deployed; once per tag", async () => {
  await start(withOnDegraded("hold"));
  const good = await build();
  await observe(observed("dev", good));
  const bad = await build();
  await observe(degraded("dev", bad, "CrashLoopBackOff"));

  expect(await bot.deployed(DEV)).toBe(bad);
  const hold = (await stateFile()).holds?.["dev"]?.["ghcr.io/acme/web"];
  expect(hold).toMatchObject({ by: "gitops-image-bot", tag: bad, reason: "Degraded: CrashLoopBackOff" });
  const comments = bot.repo("acme", "web").commitComments.filter((comment) => comment.commitId === bad);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain("held `web` in `dev`");
  expect(comments[0]!.body).toContain("`/resume dev web`");

  expect(await observe(degraded("dev", bad, "CrashLoopBackOff"))).toBe(0); // a repeat: nothing more
  const next = await build();
  expect(await bot.deployed(DEV)).toBe(bad); // held
  expect(await bot.deployed(PROD)).toBe(next); // prod has no hold
  expect(commitStatus(next, "dev")?.state).toBe("pending");
});

test("onDegraded: rollback puts back the last Healthy tag and holds it, says why in the commit and on the source commit", async () => {
  await start(withOnDegraded("rollback"));
  const good = await build();
  await observe(observed("dev", good));
  const bad = await build();
  const before = bot.twin.counters.total;
  await observe(degraded("dev", bad, "Back-off restarting failed container"));
  const spent = bot.twin.counters.total - before;

  expect(await bot.deployed(DEV)).toBe(good);
  expect(await bot.deployed(PROD)).toBe(bad); // only dev says rollback
  expect((await stateFile()).holds?.["dev"]?.["ghcr.io/acme/web"]).toMatchObject({
    by: "gitops-image-bot",
    tag: good,
    reason: `rolled back from ${bad}: Degraded: Back-off restarting failed container`,
  });
  const manifests = bot.repo("acme", "manifests");
  const head = await manifests.git.getRef("refs/heads/main");
  const message = (await manifests.git.readCommit(head!))!.message;
  expect(message).toContain(`- dev: ghcr.io/acme/web ${bad} -> ${good}`);
  expect(message).toContain("Degraded: Back-off restarting failed container");
  const comments = bot.repo("acme", "web").commitComments.filter((comment) => comment.commitId === bad);
  expect(comments).toHaveLength(1);
  expect(comments[0]!.body).toContain("rolled back `web` in `dev`");
  expect(comments[0]!.body).toContain(`\`${good}\`, the last tag that was Healthy`);
  expect(comments[0]!.body).toContain("`/resume dev web`");
  expect(spent).toBeGreaterThan(0);

  expect(await observe(degraded("dev", bad, "Back-off restarting failed container"))).toBe(0);
  expect(bot.repo("acme", "web").commitComments).toHaveLength(1);
});

test("onDegraded: rollback with no tag ever seen Healthy holds the bad one and says so", async () => {
  await start(withOnDegraded("rollback"));
  const bad = await build();
  await observe(degraded("dev", bad, "ImagePullBackOff"));
  expect(await bot.deployed(DEV)).toBe(bad);
  expect((await stateFile()).holds?.["dev"]?.["ghcr.io/acme/web"]).toMatchObject({ tag: bad });
  const [comment] = bot.repo("acme", "web").commitComments;
  expect(comment?.body).toContain("No other tag was seen Healthy in `dev`, so nothing was rolled back.");
});
