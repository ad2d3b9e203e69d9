// Delivery figures (DORA) end to end: builds deploy (dev and prod by commit, qa by a squash-merged pull
// request), a /rollback happens, then `gitops-image-bot report` (run against the twin), the dashboard and
// /metrics show the figures, read from the manifests history and the app's trailers alone.
import { reportCommand } from "../../src/cli/report.js";
import type { CliIo } from "../../src/cli/cli-io.js";
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import { closeExpectingNoViolations, overlay, sourceRepo, startBot, type BotHarness } from "./bot-harness.js";
import { sampleValue } from "../helpers/metric-sample.js";

const OLD = "0000000000000000000000000000000000000000";
const overlays = (env: string) => `apps/web/overlays/${env}/kustomization.yaml`;
const CONFIG = `sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
  qa:
    paths: ["apps/*/overlays/qa/**"]
    mode: auto-merge
    mergeMethod: squash
  prod:
    paths: ["apps/*/overlays/prod/**"]
    branches: [main]
`;

let bot: BotHarness;

afterEach(() => closeExpectingNoViolations(bot));

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    readFile: async () => "",
    writeFile: async () => undefined,
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
  };
}

/** A build of acme/web whose source commit was made `ago` seconds before the webhook. */
async function build(ago: number): Promise<string> {
  const sha = await bot.commitSource("web");
  const payload = bot.workflowRun("web", sha);
  const run = payload["workflow_run"] as Record<string, unknown>;
  run["head_commit"] = {
    ...(run["head_commit"] as Record<string, unknown>),
    timestamp: new Date(Date.now() - ago * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  await bot.send("workflow_run", payload);
  await bot.idle();
  return sha;
}

interface ReportJson {
  repository: string;
  environments: {
    environment: string;
    deployments: number;
    leadTimeSeconds: { count: number; median: number | null };
    failedDeployments: number;
    changeFailureRate: number | null;
    timeToRestoreSeconds: { count: number; open: number };
  }[];
}

test("builds deploy, a rollback happens: report, dashboard and /metrics show the figures from git", async () => {
  bot = await startBot([
    {
      name: "manifests",
      allowAutoMerge: true,
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        ...["dev", "qa", "prod"].map((env) => ({
          path: overlays(env),
          content: overlay("ghcr.io/acme/web", OLD),
        })),
      ],
    },
    sourceRepo("web"),
  ]);
  bot.setPermission("acme", "manifests", "alice", "write");
  const started = Date.now();
  const first = await build(600);
  const second = await build(300);
  for (const env of ["dev", "qa", "prod"]) expect(await bot.deployed(overlays(env))).toBe(second);

  // qa's pull request was squash-merged by the app: one parent, the trailers kept.
  const manifests = bot.repo("acme", "manifests");
  const head = (await manifests.git.getRef("refs/heads/main"))!;
  const squashes = [];
  for (const sha of await manifests.git.log(head))
    if ((await manifests.git.readCommit(sha))!.message.includes("Deploys: qa ")) squashes.push(sha);
  expect(squashes).toHaveLength(2);
  const squash = (await manifests.git.readCommit(squashes[0]!))!;
  expect(squash.parents).toHaveLength(1);
  expect(squash.message).toMatch(/^deploy web [0-9a-f]{7} to qa \(#\d+\)\n/);
  expect(squash.message).toContain(`Deploys: qa ghcr.io/acme/web:${second} acme/web@${second}`);
  expect(squash.message).toMatch(new RegExp(`Source-Commit: ${second}\nSource-Committed-At: \\S+Z`));

  const issue = (await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" }))
    .number;
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: issue,
    login: "alice",
    body: "/rollback prod web",
  });
  await bot.idle();
  expect(await bot.deployed(overlays("prod"))).toBe(first);
  const rolled = (await manifests.git.readCommit((await manifests.git.getRef("refs/heads/main"))!))!;
  expect(rolled.message).toContain(`Rollback: prod ghcr.io/acme/web ${second} -> ${first}`);

  // The report, as the CLI prints it, from a process that never saw the builds.
  const cli = io();
  const code = await reportCommand(["--since", "30d", "--repo", "acme/manifests", "--json"], cli, bot.env);
  expect(cli.err).toEqual([]);
  expect(code).toBe(0);
  const [report] = JSON.parse(cli.out.join("")) as ReportJson[];
  const figures = Object.fromEntries(report!.environments.map((env) => [env.environment, env]));
  const elapsed = (Date.now() - started) / 1000;
  // dev and qa: two deployments each, lead times 600 s and 300 s plus the time the app took.
  for (const env of ["dev", "qa"]) {
    expect(figures[env]).toMatchObject({ deployments: 2, failedDeployments: 0, changeFailureRate: 0 });
    expect(figures[env]!.leadTimeSeconds.count).toBe(2);
    // The median of (300 + a) and (600 + b): at least 450, at most 450 plus the test's duration.
    expect(figures[env]!.leadTimeSeconds.median).toBeGreaterThanOrEqual(450);
    expect(figures[env]!.leadTimeSeconds.median).toBeLessThanOrEqual(450 + elapsed + 2);
  }
  // prod: first, second, and the rollback to first; second failed (rolled back), restored by the rollback.
  expect(figures["prod"]).toMatchObject({
    deployments: 3,
    failedDeployments: 1,
    changeFailureRate: 1 / 3,
    leadTimeSeconds: { count: 2 },
    timeToRestoreSeconds: { count: 1, open: 0 },
  });

  // The text form names each environment.
  const text = io();
  expect(await reportCommand(["--since", "7d"], text, bot.env)).toBe(0);
  expect(text.out.join("")).toMatch(/acme\/manifests: delivery over the last 7d\n/);
  expect(text.out.join("")).toMatch(/\nprod +3 \(0\.43\/day\) .* 33% \(1 of 3\)/);

  // A reconciliation pass puts them on the dashboard and /metrics.
  await bot.reconcile();
  const dashboard = [...manifests.issues.values()].find(
    (found) => !found.pull && found.title === DASHBOARD_TITLE,
  );
  expect(dashboard?.body).toContain("## Delivery (last 30 days)");
  expect(dashboard?.body).toMatch(
    /\| prod \| 3 \(0\.10\/day\) \| .* \| 33% \(1 of 3\) \| .* \(1 restored\) \|/,
  );
  expect(dashboard?.body).toMatch(/\| dev \| 2 \(0\.07\/day\) \| .* \| 0% \(0 of 2\) \| – \|/);
  const metrics = await bot.bot.metrics.text();
  expect(sampleValue(metrics, "gitops_image_bot_dora_deployments", { environment: "prod" })).toBe(3);
  expect(
    sampleValue(metrics, "gitops_image_bot_dora_change_failure_rate", { environment: "prod" }),
  ).toBeCloseTo(0.333);
  expect(
    sampleValue(metrics, "gitops_image_bot_lead_time_seconds_count", { environment: "dev", to: "branch" }),
  ).toBe(2);
});

test("report: bad arguments exit 2; a repository the app does not manage exits 1", async () => {
  bot = await startBot([
    { name: "manifests", files: [{ path: "README.md", content: "not managed\n" }] },
    sourceRepo("web"),
  ]);
  const bad = io();
  expect(await reportCommand(["--since", "forever"], bad, bot.env)).toBe(2);
  expect(bad.err.join("")).toContain("--since takes days or hours");
  const missing = io();
  expect(await reportCommand(["--repo", "acme/manifests"], missing, bot.env)).toBe(1);
  expect(missing.err.join("")).toContain("acme/manifests is not a manifests repository of the app");
});
