// `npm run demo`: the whole flow on a local GitHub twin, with no GitHub account. A manifests repository
// with dev (direct commits) and prod (reviewed pull requests), an app repository, the real app behind
// Probot's real server, and one successful build.
import { createBot } from "../src/app.js";
import { startHarness } from "../twin/harness.js";

const CONFIG = `# .github/gitops-image-bot.yml
sources:
  - repositories: ["acme/*"]       # builds of any acme repository may deploy here
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit                   # straight to main
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: pull-request             # one living pull request per (environment, image)
    branches: [main]
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

const OLD = "1111111111111111111111111111111111111111";
// No scheduler: step 6 runs a reconciliation pass itself.
const bot = createBot({ batchWindowMs: 200, scheduleTickMs: 0 });
const harness = await startHarness({
  appFn: bot.appFn,
  appIdle: bot.idle,
  repos: [
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        { path: "apps/shop/base/kustomization.yaml", content: "resources:\n  - deployment.yaml\n" },
        {
          path: "apps/shop/base/deployment.yaml",
          content:
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: shop\nspec:\n  selector:\n    matchLabels: { app: shop }\n  template:\n    metadata:\n      labels: { app: shop }\n    spec:\n      containers:\n        - name: shop\n          image: ghcr.io/acme/shop\n",
        },
        { path: "apps/shop/overlays/dev/kustomization.yaml", content: overlay("dev", OLD) },
        { path: "apps/shop/overlays/prod/kustomization.yaml", content: overlay("prod", OLD) },
      ],
    },
    { name: "shop", files: [{ path: "Dockerfile", content: "FROM scratch\n" }] },
  ],
});

try {
  const { twin } = harness;
  console.log(`GitHub twin on ${twin.urls.web}; the app's Probot server on ${harness.webhookUrl}\n`);
  console.log(CONFIG);
  const sha = await twin.store.commitFiles(
    harness.repo("acme", "shop"),
    "main",
    [{ path: "src/app.txt", content: "v2\n" }],
    "feat: v2",
  );
  console.log(
    `1. A developer pushes acme/shop@${sha.slice(0, 7)} to main; CI builds ghcr.io/acme/shop:${sha}.`,
  );
  // The run as GitHub records and sends it (head_repository is acme/shop itself: a fork's never deploys).
  const { payload } = harness.workflowRunPayload("acme", "shop", {
    headSha: sha,
    headBranch: "main",
    event: "push",
  });
  const started = Date.now();
  const delivery = await harness.send("workflow_run", payload);
  console.log(
    `2. GitHub sends the signed workflow_run webhook: the app answers ${delivery.status} at once and queues the work.`,
  );
  await harness.idle();
  console.log(
    `3. ${Date.now() - started} ms later (including a 200 ms batching window), in acme/manifests:\n`,
  );

  const manifests = harness.repo("acme", "manifests");
  const dev = await harness.file("acme", "manifests", "apps/shop/overlays/dev/kustomization.yaml");
  if (!dev?.includes(sha))
    throw new Error("the demo's build did not reach dev: see the app's log (LOG_LEVEL=info)");
  const head = (await manifests.git.getRef("refs/heads/main"))!;
  const commit = (await manifests.git.readCommit(head))!;
  console.log(`   dev: commit ${head.slice(0, 7)} by ${commit.author.name}\n`);
  console.log(commit.message.replace(/^/gm, "     | "));
  console.log(`   apps/shop/overlays/dev/kustomization.yaml on main now says:`);
  console.log(
    (await harness.file("acme", "manifests", "apps/shop/overlays/dev/kustomization.yaml"))!.replace(
      /^/gm,
      "     | ",
    ),
  );

  const pull = [...manifests.issues.values()].find((issue) => issue.pull);
  if (pull?.pull) {
    console.log(
      `   prod: pull request #${pull.number} "${pull.title}" from ${pull.pull.headRef} (${pull.state}, waiting for review)\n`,
    );
    console.log((pull.body ?? "").replace(/^/gm, "     | "));
  }

  console.log(`\n4. On the source commit acme/shop@${sha.slice(0, 7)}:`);
  const source = harness.repo("acme", "shop");
  for (const status of source.statuses.filter((entry) => entry.sha === sha))
    console.log(
      `   status ${status.context}: ${status.state}, "${status.description}" -> ${status.targetUrl}`,
    );
  for (const deployment of source.deployments.values())
    console.log(
      `   deployment to ${deployment.environment}: ${deployment.statuses.map((entry) => `${entry.state} "${entry.description}"`).join(", ")}`,
    );

  const counts = twin.counters.snapshot();
  console.log(`\n5. GitHub requests the app made (${counts.total} in all):`);
  for (const [route, count] of Object.entries(counts.byRoute))
    console.log(`   ${String(count).padStart(3)}  ${route}`);

  // 6. A build whose webhook is lost: the next reconciliation pass deploys it and shows the dashboard.
  const lost = await twin.store.commitFiles(
    source,
    "main",
    [{ path: "src/app.txt", content: "v3\n" }],
    "feat: v3",
  );
  twin.store.recordWorkflowRun(source, { headSha: lost, headBranch: "main" });
  console.log(
    `\n6. acme/shop@${lost.slice(0, 7)} is built, but its webhook never arrives. The next reconciliation pass (every 10 minutes):`,
  );
  twin.counters.reset();
  const [pass] = await bot.reconcile(harness.installation.id);
  await harness.idle();
  for (const result of pass?.kind === "done" ? pass.results : [])
    console.log(
      `   ${result.repo}: ${result.found} behind the newest build, ${result.repaired} repaired, ${twin.counters.total} GitHub requests`,
    );
  const dashboard = [...harness.repo("acme", "manifests").issues.values()].find(
    (issue) => !issue.pull && issue.title === "gitops-image-bot dashboard",
  );
  console.log(`   the dashboard issue #${dashboard?.number ?? "?"} now says:\n`);
  console.log((dashboard?.body ?? "").replace(/^/gm, "     | "));
} finally {
  bot.stop();
  await harness.close();
}
