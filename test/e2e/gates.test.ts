import type { EnvironmentObservation, Observation } from "../../src/core/feedback/observation.js";
import type { CheckRunRecord } from "../../twin/state.js";
import { octokitFor } from "../twin/twin-fixture.js";
import { parseConfig } from "../../src/config/index.js";
import { GateKeeper } from "../../src/feedback/gates/gate-keeper.js";
import { MemoryGateRegistry } from "../../src/feedback/gates/gate-registry.js";
import { MemoryHealthLedger } from "../../src/feedback/health-ledger.js";
import { Pacer } from "../../src/services/pacer.js";
import { openAppPulls } from "../../src/services/open-app-pulls.js";
import {
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
} from "./bot-harness.js";

const ZERO = "0000000000000000000000000000000000000000";
const QA = "apps/web/overlays/qa/kustomization.yaml";
const BRANCH = "gitops-image-bot/prod/ghcr.io-acme-web";
const GATE = "gitops-image-bot/gate";
const MINUTE = 60_000;

function config(prodMode: "auto-merge" | "pull-request"): string {
  return `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
  qa:
    paths: ["apps/*/overlays/qa/**"]
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: ${prodMode}
    branches: [main]
    after: { environment: qa, healthyFor: 30m }
`;
}

let bot: BotHarness;
/** How far the app's clock is ahead of the real one: the tests move it to pass the soak. */
let offset = 0;
const now = () => Date.now() + offset;

async function start(prodMode: "auto-merge" | "pull-request", requiredChecks: string[] = []): Promise<void> {
  offset = 0;
  bot = await startBot(
    [
      {
        name: "manifests",
        allowAutoMerge: true,
        requiredChecks,
        files: [
          { path: ".github/gitops-image-bot.yml", content: config(prodMode) },
          { path: DEV, content: overlay("ghcr.io/acme/web", ZERO) },
          { path: QA, content: overlay("ghcr.io/acme/web", ZERO) },
          { path: PROD, content: overlay("ghcr.io/acme/web", ZERO) },
        ],
      },
      sourceRepo("web"),
    ],
    // The gates look at the clock often: a soak's end shows within a tick, whatever the machine's speed.
    { contentPerMinute: 80, now, gateTickMs: 50 },
  );
}

afterEach(() => closeExpectingNoViolations(bot));

async function deploy(sha: string): Promise<void> {
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
}

/** What Argo CD says about acme/web in qa (the app's application `web-qa`), now by the app's clock. */
function qa(tag: string, fields: Partial<Observation> = {}): EnvironmentObservation {
  return {
    installationId: bot.installation.id,
    manifests: { owner: "acme", name: "manifests" },
    environment: "qa",
    observation: {
      application: "web-qa",
      namespace: "argocd",
      project: "default",
      labels: {},
      sources: [
        {
          repoURL: `${bot.twin.urls.web}/acme/manifests.git`,
          path: "apps/web/overlays/qa",
          targetRevision: "main",
        },
      ],
      revision: undefined,
      syncStatus: "Synced",
      healthStatus: "Healthy",
      healthMessage: undefined,
      operationPhase: "Succeeded",
      operationMessage: undefined,
      images: [`ghcr.io/acme/web:${tag}`],
      observedAt: now(),
      url: "https://argocd.example.com/applications/argocd/web-qa",
      via: "notification",
      ...fields,
    },
  };
}

function prodPull() {
  const pulls = [...bot.repo("acme", "manifests").issues.values()].filter(
    (issue) => issue.pull?.headRef === BRANCH,
  );
  expect(pulls).toHaveLength(1);
  return pulls[0]!;
}

/** The gate's check runs on the prod pull request's head commit (GitHub shows the latest). */
async function gateRuns(): Promise<CheckRunRecord[]> {
  const pull = prodPull();
  const head = pull.pull!.merged
    ? pull.pull!.headSha
    : await bot.repo("acme", "manifests").git.getRef(`refs/heads/${BRANCH}`);
  return [...bot.repo("acme", "manifests").checkRuns.values()].filter(
    (run) => run.name === GATE && run.headSha === head,
  );
}

async function gate(): Promise<CheckRunRecord> {
  const runs = await gateRuns();
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

/**
 * Waits until `done` holds: the gates tick every 50 ms, so this is a few ticks on any machine; the
 * minute before giving up is far beyond that and within the suite's budget.
 */
async function eventually(done: () => Promise<boolean>, what: string): Promise<void> {
  const until = Date.now() + MINUTE;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`still not: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await bot.idle();
}

test("auto-merge: the prod pull request waits for 30 healthy minutes in qa, then the app merges it", async () => {
  await start("auto-merge");
  const sha = await bot.commitSource("web");
  await deploy(sha);

  expect(await bot.deployed(DEV)).toBe(sha);
  expect(await bot.deployed(QA)).toBe(sha);
  expect(await bot.deployed(PROD)).toBe(ZERO);
  const pull = prodPull();
  expect(pull.state).toBe("open");
  // Neither merged at once nor handed to GitHub's auto-merge: the gate decides.
  expect(pull.pull!.autoMerge).toBeNull();
  expect(pull.body).toContain(
    `Merges after \`ghcr.io/acme/web:${sha}\` has been Healthy in **qa** for 30 minutes (check \`gitops-image-bot/gate\`).`,
  );
  let run = await gate();
  expect([run.status, run.conclusion, run.output.title]).toEqual([
    "in_progress",
    null,
    `waiting for ${sha} to run in qa`,
  ]);

  await bot.bot.observe([qa(sha)]);
  expect((await gate()).output.title).toBe("qa has been Healthy for 0 of 30 minutes");

  offset = 12 * MINUTE;
  await eventually(
    async () => (await gate()).output.title !== "qa has been Healthy for 0 of 30 minutes",
    "the gate moved on from 0 minutes",
  );
  run = await gate();
  expect([run.status, run.output.title]).toEqual(["in_progress", "qa has been Healthy for 12 of 30 minutes"]);
  expect(run.detailsUrl).toBe("https://argocd.example.com/applications/argocd/web-qa");
  expect(prodPull().state).toBe("open");

  offset = 31 * MINUTE;
  await eventually(async () => prodPull().pull!.merged, "the pull request merged");
  run = await gate();
  expect([run.status, run.conclusion, run.output.title]).toEqual([
    "completed",
    "success",
    "Healthy in qa for 30 minutes",
  ]);
  expect(await bot.deployed(PROD)).toBe(sha);
});

test("Degraded in qa fails the gate with Argo CD's message, and the pull request is not merged", async () => {
  await start("auto-merge");
  const sha = await bot.commitSource("web");
  await deploy(sha);
  await bot.bot.observe([qa(sha, { syncStatus: "Synced", healthStatus: "Progressing" })]);
  expect((await gate()).output.title).toBe(`waiting for ${sha} to be Synced and Healthy in qa`);

  const message = 'Deployment "web" exceeded its progress deadline <b>@acme/ops</b>';
  await bot.bot.observe([qa(sha, { healthStatus: "Degraded", healthMessage: message })]);
  const run = await gate();
  expect([run.status, run.conclusion, run.output.title]).toEqual([
    "completed",
    "failure",
    `Degraded in qa: ${message}`,
  ]);
  // Untrusted: rendered literally in the summary, no HTML, no mention.
  expect(run.output.summary).toContain("\\<b\\>@\u200bacme/ops\\</b\\>");

  // Healthy later and long after: the failed gate stays failed, nothing merges.
  await bot.bot.observe([qa(sha)]);
  offset = 45 * MINUTE;
  await bot.bot.observe([qa(sha)]);
  await new Promise((resolve) => setTimeout(resolve, 200)); // a few ticks
  await bot.idle();
  expect(prodPull().state).toBe("open");
  expect(prodPull().pull!.merged).toBe(false);
  expect(prodPull().pull!.autoMerge).toBeNull();
  expect((await gate()).conclusion).toBe("failure");
  expect(await bot.deployed(PROD)).toBe(ZERO);
});

test("a newer build gets a new gate on the new head; the older head keeps its own", async () => {
  await start("auto-merge");
  const first = await bot.commitSource("web");
  await deploy(first);
  const firstHead = await bot.repo("acme", "manifests").git.getRef(`refs/heads/${BRANCH}`);
  const second = await bot.commitSource("web");
  await deploy(second);
  const run = await gate();
  expect(run.headSha).not.toBe(firstHead);
  expect(run.output.title).toBe(`waiting for ${second} to run in qa`);
  const old = [...bot.repo("acme", "manifests").checkRuns.values()].filter(
    (each) => each.name === GATE && each.headSha === firstHead,
  );
  expect(old.map((each) => each.output.title)).toEqual([`waiting for ${first} to run in qa`]);
  // The first build healthy in qa long enough does not merge the second.
  await bot.bot.observe([qa(first)]);
  offset = 31 * MINUTE;
  await bot.bot.observe([qa(first)]);
  await bot.idle();
  expect(prodPull().pull!.merged).toBe(false);
  expect((await gate()).status).toBe("in_progress");
});

test("auto-merge enabled after a gate passed does not carry over to a newer build in the same pull request", async () => {
  await start("auto-merge", ["ci"]);
  const first = await bot.commitSource("web");
  await deploy(first);
  await bot.bot.observe([qa(first)]);
  offset = 31 * MINUTE;
  // The gate passed; "ci" (required) has not: GitHub's auto-merge waits for it.
  await eventually(async () => prodPull().pull!.autoMerge !== null, "auto-merge enabled");
  expect((await gate()).conclusion).toBe("success");
  expect(prodPull().pull!.merged).toBe(false);

  const second = await bot.commitSource("web");
  await deploy(second);
  const head = (await bot.repo("acme", "manifests").git.getRef(`refs/heads/${BRANCH}`))!;
  expect(prodPull().pull!.autoMerge).toBeNull();
  expect((await gate()).output.title).toBe(`waiting for ${second} to run in qa`);
  const client = octokitFor(bot.twin, {
    type: "token",
    token: bot.twin.store.issueToken(bot.installation.id).token,
  });
  await client.rest.repos.createCommitStatus({
    owner: "acme",
    repo: "manifests",
    sha: head,
    state: "success",
    context: "ci",
  });
  await bot.idle();
  expect(prodPull().pull!.merged).toBe(false);
  expect(await bot.deployed(PROD)).toBe(ZERO);
});

test("pull-request mode with the gate required: GitHub refuses a merge until the gate passes", async () => {
  await start("pull-request", [GATE]);
  const sha = await bot.commitSource("web");
  await deploy(sha);
  const person = octokitFor(bot.twin, {
    type: "token",
    token: bot.twin.store.issueToken(bot.installation.id).token,
  });
  const merge = () =>
    person.rest.pulls.merge({ owner: "acme", repo: "manifests", pull_number: prodPull().number });
  await expect(merge()).rejects.toMatchObject({ status: 405 });

  await bot.bot.observe([qa(sha)]);
  offset = 12 * MINUTE;
  await eventually(
    async () => (await gate()).output.title === "qa has been Healthy for 12 of 30 minutes",
    "the gate says 12 of 30 minutes",
  );
  await expect(merge()).rejects.toMatchObject({ status: 405 });

  offset = 31 * MINUTE;
  await eventually(async () => (await gate()).conclusion === "success", "the gate passed");
  // People merge in this mode: the app did not.
  expect(prodPull().pull!.merged).toBe(false);
  // The same build again and a reconciliation pass report the pull request again: no second check run.
  await deploy(sha);
  await bot.reconcile();
  expect((await gateRuns()).map((run) => run.conclusion)).toEqual(["success"]);
  expect((await merge()).data.merged).toBe(true);
  expect(await bot.deployed(PROD)).toBe(sha);
});

test("after a restart the reconciliation pass finds the open gate again from the pull request and takes up its check run", async () => {
  await start("auto-merge");
  const sha = await bot.commitSource("web");
  await deploy(sha);
  const before = await gate();
  expect(before.status).toBe("in_progress");

  // A process that knows nothing (a restart, another replica): its own registry and health ledger.
  const client = octokitFor(bot.twin, {
    type: "token",
    token: bot.twin.store.issueToken(bot.installation.id).token,
  });
  const ledger = new MemoryHealthLedger();
  const pacer = new Pacer(80, 450, now);
  const keeper = new GateKeeper({
    auth: async () => client,
    pacer: () => pacer,
    ledger,
    registry: new MemoryGateRegistry(),
    now,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    identity: async () => ({ slug: "gitops-image-bot" }),
  });
  const parsed = parseConfig(config("auto-merge"));
  if (!parsed.ok) throw new Error("the test's config does not parse");
  try {
    const manifests = { owner: "acme", name: "manifests" };
    const pulls = openAppPulls(client, manifests, async () => ({ slug: "gitops-image-bot" }));
    await keeper.refind(bot.installation.id, manifests, parsed.config, pulls);
    await keeper.idle();
    expect(await gateRuns()).toHaveLength(1); // taken up, not made twice
    ledger.record(qa(sha));
    offset = 31 * MINUTE;
    await keeper.tick();
    await keeper.idle();
    const run = await gate();
    expect([run.id, run.status, run.conclusion]).toEqual([before.id, "completed", "success"]);
    expect(prodPull().pull!.merged).toBe(true);
  } finally {
    pacer.close();
  }
});

test("a reconciliation pass lists the app's open pull requests once, for the gates and the dashboard", async () => {
  await start("auto-merge");
  await deploy(await bot.commitSource("web"));
  bot.twin.counters.reset();
  await bot.bot.reconcile(bot.installation.id);
  await bot.idle();
  expect(bot.twin.counters.snapshot().byRoute["GET /repos/{owner}/{repo}/pulls"]).toBe(1);
  expect(await gateRuns()).toHaveLength(1); // the gate this process knows is not made again
});
