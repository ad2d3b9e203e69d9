// `npm run demo`: the whole loop on a local GitHub twin and a local Argo CD twin, with no account and no
// network. A manifests repository with dev (direct commits, held when a build goes Degraded) and prod
// (a pull request the app merges once the build has been Healthy in dev for 5 seconds), an app
// repository, the real app behind Probot's real server, Argo CD Notifications posting to the app. A good
// build goes dev -> Healthy -> gate -> prod -> Healthy; a bad one goes Degraded in dev and is held; a
// reconciliation pass reads Argo CD's API once; `gitops-image-bot report` prints the delivery figures;
// a Jenkins pipeline sends its builds with `gitops-image-bot notify-build`, and a late build never wins.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { parse } from "yaml";
import { createBot } from "../src/app.js";
import { DASHBOARD_TITLE } from "../src/core/render/dashboard.js";
import { STATE_PATH } from "../src/state/state-file.js";
import type { Application } from "../twin/argocd/application.js";
import { startArgoCdTwin } from "../twin/argocd/harness.js";
import { freePort, startHarness } from "../twin/harness.js";
import {
  argoLine,
  commitView,
  deploymentState,
  gateRun,
  quote,
  short,
  watch,
  watchApplication,
} from "./demo-view.js";

const CONFIG = `# .github/gitops-image-bot.yml
sources:
  - repositories: ["acme/payments"] # built by Jenkins, pushed to Harbor, sent to POST /api/builds
    triggers: [build]
    image: harbor.example.com/acme/{repo}
    tag: "{build}-{sha:7}"           # Jenkins' BUILD_NUMBER and the commit
    order: build-number              # a late build 41 never replaces 42
  - repositories: ["acme/*"]       # builds of any acme repository may deploy here
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit                   # straight to main
    onDegraded: hold               # a build Argo CD sees Degraded is held there
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: auto-merge               # a pull request, merged by the app once the gate passes
    branches: [main]
    after: { environment: dev, healthyFor: 5s }   # the same build Healthy in dev for 5s first
`;

function overlay(env: string, tag: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${env}
resources:
  - ../../base
images:
  - name: ghcr.io/acme/shop
    newTag: "${tag}" # written by gitops-image-bot
`;
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  selector:
    matchLabels: { app: shop }
  template:
    metadata:
      labels: { app: shop }
    spec:
      containers:
        - name: shop
          image: ghcr.io/acme/shop
`;

/** acme/payments in dev: built by Jenkins into Harbor (step 11). */
const PAYMENTS_DEV = `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: dev
resources:
  - ../../base
images:
  - name: harbor.example.com/acme/payments
    newTag: "40-0000000" # written by gitops-image-bot
`;

// The Argo CD twin renders kustomizations with `kubectl kustomize`, as Argo CD's repo server does.
await promisify(execFile)("kubectl", ["version", "--client"]).catch(() => {
  throw new Error("the demo's Argo CD twin renders with `kubectl kustomize`: install kubectl first");
});

const OLD = "1111111111111111111111111111111111111111";
const SECRET = "demo-argocd-notifications-secret";
/** The secret Jenkins signs its builds with (`POST /api/builds`), read by the app as it starts. */
const BUILDS_SECRET = "demo-jenkins-builds-secret-0123";
process.env["BUILDS_WEBHOOK_SECRET"] = BUILDS_SECRET;
const TOKEN = "demo-argocd-read-only-token";
const ENVIRONMENTS = ["dev", "prod"];
const begun = Date.now();
/** Time since the demo began, for the steps' headings. */
const clock = (): string => `[${((Date.now() - begun) / 1000).toFixed(1)}s]`;
const argoPort = await freePort();
const argoUrl = `http://127.0.0.1:${argoPort}`;

// No scheduler: step 8 runs a reconciliation pass itself. The gates look at the clock every 250 ms.
const bot = createBot({
  batchWindowMs: 200,
  scheduleTickMs: 0,
  // GitHub's secondary limit (80 content-creating requests a minute): the demo makes many in a few seconds.
  contentPerMinute: 80,
  gateTickMs: 250,
  argocd: { webhookSecret: SECRET, server: argoUrl, token: TOKEN },
});
const harness = await startHarness({
  appFn: bot.appFn,
  appIdle: bot.idle,
  repos: [
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        { path: "apps/shop/base/kustomization.yaml", content: "resources:\n  - deployment.yaml\n" },
        { path: "apps/shop/base/deployment.yaml", content: DEPLOYMENT },
        { path: "apps/shop/overlays/dev/kustomization.yaml", content: overlay("dev", OLD) },
        { path: "apps/shop/overlays/prod/kustomization.yaml", content: overlay("prod", OLD) },
        { path: "apps/payments/base/kustomization.yaml", content: "resources:\n  - deployment.yaml\n" },
        { path: "apps/payments/overlays/dev/kustomization.yaml", content: PAYMENTS_DEV },
        {
          path: "apps/payments/base/deployment.yaml",
          content: DEPLOYMENT.replaceAll("shop", "payments").replace(
            "ghcr.io/acme",
            "harbor.example.com/acme",
          ),
        },
      ],
    },
    { name: "shop", files: [{ path: "Dockerfile", content: "FROM scratch\n" }] },
    { name: "payments", files: [{ path: "Jenkinsfile", content: "pipeline { agent any }\n" }] },
  ],
});
const { twin } = harness;
// Argo CD: syncs 2 s after it sees a new revision, the pods are ready 2 s after the sync.
const argocd = await startArgoCdTwin(twin, {
  port: argoPort,
  token: TOKEN,
  syncDelayMs: 2000,
  healthDelayMs: 2000,
  pollMs: 200,
  repoUrlBase: twin.urls.web,
  notifications: {
    webhookUrl: `${new URL(harness.webhookUrl).origin}/api/argocd`,
    secrets: { "gitops-image-bot-secret": SECRET },
    context: { argocdUrl: argoUrl },
  },
});

const manifests = harness.repo("acme", "manifests");
const source = harness.repo("acme", "shop");
const mainHead = async (): Promise<string> => (await manifests.git.getRef("refs/heads/main"))!;

/** A push to acme/shop's main, built by CI: the signed `workflow_run` webhook, as GitHub sends it. */
async function build(version: string): Promise<{ sha: string; status: number | string; at: number }> {
  const sha = await twin.store.commitFiles(
    source,
    "main",
    [{ path: "src/app.txt", content: `${version}\n` }],
    `feat: ${version}`,
  );
  const { payload } = harness.workflowRunPayload("acme", "shop", {
    headSha: sha,
    headBranch: "main",
    event: "push",
  });
  // The payload is built from GitHub's example: give its head commit this commit's time (for lead times).
  const commit = (await source.git.readCommit(sha))!;
  const run = payload["workflow_run"] as { head_commit: Record<string, unknown> };
  run.head_commit = { ...run.head_commit, message: `feat: ${version}`, timestamp: commit.author.date };
  const delivery = await harness.send("workflow_run", payload);
  return { sha, status: delivery.status, at: Date.parse(commit.author.date) };
}

function devOverlayTag(text: string | null): string | undefined {
  return text?.match(/newTag: "([^"]*)"/)?.[1];
}

function pullFor(sha: string) {
  return [...manifests.issues.values()].find(
    (issue) => issue.pull && issue.title.includes(short(sha)) && issue.title.includes("prod"),
  );
}

/** Argo CD synced `revision` (the sync done, Synced) and the application is `health`. */
function ranAt(app: Application, revision: string, health: "Healthy" | "Degraded"): boolean {
  return (
    app.status.sync.status === "Synced" &&
    app.status.operationState?.syncResult?.revision === revision &&
    app.status.health.status === health
  );
}

function show(sha: string): void {
  for (const line of commitView(harness, "shop", sha, ENVIRONMENTS)) console.log(`   ${line}`);
}

try {
  for (const name of ["shop-dev", "shop-prod"])
    argocd.createApplication({
      name,
      repo: "acme/manifests",
      repoURL: `${twin.urls.web}/acme/manifests.git`,
      path: `apps/shop/overlays/${name.slice(5)}`,
      targetRevision: "main",
    });
  for (const name of ["shop-dev", "shop-prod"])
    await argocd.waitFor(name, (app) => app.status.health.status === "Healthy");
  await argocd.notifications?.settled();
  await harness.idle();
  console.log(
    `GitHub twin on ${twin.urls.web}; Argo CD twin on ${argoUrl}; the app on ${harness.webhookUrl}`,
  );
  console.log(
    `Argo CD applications (the app's Argo CD Notifications subscribed, from deploy/argocd/argocd-notifications-cm.yaml):`,
  );
  for (const app of argocd.applications()) console.log(`   ${argoLine(app)}`);
  console.log(`\n${CONFIG}`);

  // 1. A good build.
  twin.counters.reset();
  const good = await build("v2");
  const started = Date.now();
  console.log(
    `1. ${clock()} A developer pushes acme/shop@${short(good.sha)} to main; CI builds ghcr.io/acme/shop:${good.sha}.`,
  );
  console.log(`   GitHub sends the signed workflow_run webhook: the app answers ${good.status} at once.`);
  await harness.idle();
  const devCommit = await mainHead();
  const message = (await manifests.git.readCommit(devCommit))!.message;
  const pull = pullFor(good.sha);
  console.log(
    `\n2. ${clock()} ${Date.now() - started} ms later (a 200 ms batching window included), in acme/manifests:`,
  );
  console.log(`   dev: commit ${short(devCommit)} on main by gitops-image-bot[bot]:`);
  console.log(quote(message));
  if (pull?.pull) {
    const gate = gateRun(harness, pull.pull.headSha);
    console.log(
      `   prod: pull request #${pull.number} "${pull.title}", gate ${gate?.status} "${gate?.output.title}"`,
    );
  }
  console.log(`   On the source commit acme/shop@${short(good.sha)}:`);
  show(good.sha);
  const counts = twin.counters.snapshot();
  console.log(`   GitHub requests the app made for this build: ${counts.total}`);
  for (const [route, count] of Object.entries(counts.byRoute))
    console.log(`     ${String(count).padStart(3)}  ${route}`);

  console.log(
    `\n3. ${clock()} Argo CD follows main and syncs shop-dev; Argo CD Notifications tells the app:`,
  );
  twin.counters.reset();
  await watchApplication(argocd, "shop-dev", (app) => ranAt(app, devCommit, "Healthy"));
  await watch(
    "dev's deployment success",
    () => `acme/shop@${short(good.sha)}: ${commitView(harness, "shop", good.sha, ["dev"])[0]!}`,
    async () => {
      await harness.idle();
      return commitView(harness, "shop", good.sha, ["dev"])[0]!.endsWith("status success");
    },
  );
  const sent = argocd.notifications!.sent.filter((one) => one.application === "shop-dev").at(-1);
  console.log(
    `   (${sent?.trigger} -> POST /api/argocd ${sent?.attempts.at(-1)?.status}; ${twin.counters.total} GitHub requests from the notification to the updated deployment and status)`,
  );
  console.log(
    `   Source commit -> Healthy in dev (the demo's stopwatch): ${((Date.now() - good.at) / 1000).toFixed(1)} s`,
  );

  console.log(
    `\n4. ${clock()} The gate on the prod pull request #${pull?.number}: the build must be Healthy in dev for 5s.`,
  );
  await watch(
    "the gate to pass and the app to merge the prod pull request",
    () => {
      const run = pull?.pull ? gateRun(harness, pull.pull.headSha) : undefined;
      const merged = pull?.pull?.merged ? `; #${pull.number} merged by the app` : "";
      return `check run ${run?.status}${run?.conclusion ? ` ${run.conclusion}` : ""} "${run?.output.title}"${merged}`;
    },
    () => pull?.pull?.merged === true,
  );
  await harness.idle();
  const prodCommit = await mainHead();
  show(good.sha);

  console.log(`\n5. ${clock()} Argo CD syncs shop-prod:`);
  await watchApplication(argocd, "shop-prod", (app) => ranAt(app, prodCommit, "Healthy"));
  await watch(
    "prod's deployment success",
    () => `acme/shop@${short(good.sha)}: ${commitView(harness, "shop", good.sha, ["prod"])[0]!}`,
    async () => {
      await harness.idle();
      return deploymentState(harness, "shop", good.sha, "prod")?.state === "success";
    },
  );

  // 6. A bad build: its pods never become ready.
  const bad = await build("v3-broken");
  argocd.markBad(`ghcr.io/acme/shop:${bad.sha}`);
  console.log(
    `\n6. ${clock()} acme/shop@${short(bad.sha)} is built too, but its pods never become ready. The app deploys it to dev:`,
  );
  await harness.idle();
  const badCommit = await mainHead();
  await watchApplication(argocd, "shop-dev", (app) => ranAt(app, badCommit, "Degraded"));
  await watch(
    "dev's deployment failure",
    () => `acme/shop@${short(bad.sha)}: ${commitView(harness, "shop", bad.sha, ["dev"])[0]!}`,
    async () => {
      await harness.idle();
      return deploymentState(harness, "shop", bad.sha, "dev")?.state === "failure";
    },
  );
  await harness.idle();
  const state = parse((await harness.file("acme", "manifests", STATE_PATH)) ?? "{}") as {
    holds?: Record<string, Record<string, { tag: string; reason: string }>>;
  };
  const hold = state.holds?.["dev"]?.["ghcr.io/acme/shop"];
  console.log(
    `   onDegraded: hold -> ${STATE_PATH}: dev holds ghcr.io/acme/shop at ${short(hold?.tag ?? "?")} ("${hold?.reason}")`,
  );
  const comment = source.commitComments.find((one) => one.commitId === bad.sha);
  if (comment) console.log(`   comment on acme/shop@${short(bad.sha)}:\n${quote(comment.body)}`);
  const badPull = pullFor(bad.sha);
  const badGate = badPull?.pull ? gateRun(harness, badPull.pull.headSha) : undefined;
  console.log(
    `   prod pull request #${badPull?.number}: gate ${badGate?.conclusion ?? badGate?.status} "${badGate?.output.title}", not merged`,
  );

  // 7. The fix is built: dev stays held until someone says /resume.
  const next = await build("v4");
  await harness.idle();
  const devTag = devOverlayTag(
    await harness.file("acme", "manifests", "apps/shop/overlays/dev/kustomization.yaml"),
  );
  console.log(
    `\n7. ${clock()} acme/shop@${short(next.sha)} is built: dev still runs ${short(devTag ?? "?")} (held; comment \`/resume dev shop\` to let builds through).`,
  );
  show(next.sha);

  // 8. The reconciliation pass (every 10 minutes): Argo CD's API in one request, the dashboard.
  twin.counters.reset();
  const argoBefore = argocd.requests.total;
  const [pass] = await bot.reconcile(harness.installation.id);
  await harness.idle();
  console.log(
    `\n8. ${clock()} The reconciliation pass (every 10 minutes; for users who cannot change Argo CD's notifications):`,
  );
  for (const result of pass?.kind === "done" ? pass.results : [])
    console.log(
      `   ${result.repo}: ${result.found} behind the newest build, ${result.repaired} repaired; ${argocd.requests.total - argoBefore} Argo CD request, ${twin.counters.total} GitHub requests`,
    );
  const dashboard = [...manifests.issues.values()].find(
    (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
  );
  console.log(`   the dashboard issue #${dashboard?.number ?? "?"} now says:\n`);
  console.log(quote(dashboard?.body ?? ""));

  // 9. The delivery figures, as `gitops-image-bot report` prints them (the CLI, against the twin).
  console.log(`\n9. ${clock()} $ gitops-image-bot report --since 30d\n`);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["dist/cli.js", "report", "--since", "30d", "--repo", "acme/manifests"],
    { env: { ...process.env, ...harness.env } },
  );
  console.log(quote(stdout));
  // What /metrics says of lead times (to="branch" from git, to="healthy" when Argo CD reports it).
  const metrics = await (await fetch(`${new URL(harness.webhookUrl).origin}/metrics`)).text();
  console.log(`\n10. ${clock()} $ curl /metrics | grep lead_time_seconds_count\n`);
  console.log(
    quote(
      metrics
        .split("\n")
        .filter((line) => line.startsWith("gitops_image_bot_lead_time_seconds_count"))
        .join("\n"),
    ),
  );

  // 11. Another team builds with Jenkins: its pipeline's last step signs the build and sends it.
  console.log(
    `\n11. ${clock()} acme/payments is built by Jenkins into Harbor; each build's last step runs \`gitops-image-bot notify-build\`:`,
  );
  const payments = harness.repo("acme", "payments");
  const jenkins = async (number: number): Promise<string> => {
    const sha = await twin.store.commitFiles(
      payments,
      "main",
      [{ path: "VERSION", content: `${number}\n` }],
      `build ${number}`,
    );
    return sha;
  };
  // Build 41 started first but finished last: its notification arrives after 42's.
  const sha41 = await jenkins(41);
  const sha42 = await jenkins(42);
  for (const [number, sha] of [
    [42, sha42],
    [41, sha41],
  ] as const) {
    const tag = `${number}-${sha.slice(0, 7)}`;
    const sent = await promisify(execFile)(
      process.execPath,
      [
        "dist/cli.js",
        "notify-build",
        "--url",
        new URL(harness.webhookUrl).origin,
        "--repository",
        "acme/payments",
        "--sha",
        sha,
        "--image",
        "harbor.example.com/acme/payments",
        "--tag",
        tag,
        "--branch",
        "main",
        "--build-number",
        String(number),
      ],
      { env: { ...process.env, GITOPS_IMAGE_BOT_BUILD_SECRET: BUILDS_SECRET } },
    );
    console.log(`   $ gitops-image-bot notify-build ... --tag ${tag}\n${quote(sent.stdout.trimEnd())}`);
    await harness.idle();
  }
  const paymentsTag = devOverlayTag(
    await harness.file("acme", "manifests", "apps/payments/overlays/dev/kustomization.yaml"),
  );
  console.log(
    `   dev runs acme/payments ${paymentsTag ?? "?"}: the late build 41 was not written over 42 (order: build-number).`,
  );

  const violations = [...twin.violations, ...argocd.violations];
  if (violations.length > 0)
    throw new Error(`the twins saw requests real services refuse:\n${violations.join("\n")}`);
} finally {
  bot.stop();
  await argocd.close();
  await harness.close();
}
