import { manifestsRepoFiles, serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { CONFIG, overlay, sourceRepo, startBot, type BotHarness, DEV } from "./bot-harness.js";

const ZERO = "0000000000000000000000000000000000000000";

let bot: BotHarness | undefined;

afterEach(async () => {
  if (!bot) return;
  const violations = [...bot.twin.violations];
  await bot.close();
  bot = undefined;
  expect(violations).toEqual([]);
});

async function startWeb(
  config = CONFIG,
  extra: { path: string; content: string }[] = [],
): Promise<BotHarness> {
  bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: config },
        { path: DEV, content: overlay("ghcr.io/acme/web", ZERO) },
        ...extra,
      ],
    },
    sourceRepo("web"),
  ]);
  return bot;
}

async function tagIn(harness: BotHarness, path: string): Promise<string | undefined> {
  return (await harness.file("acme", "manifests", path))?.match(/newTag: "?([^"\s]*)"?/)?.[1];
}

test("50 builds of different services at once all land, in a few commits", async () => {
  const services = serviceNames(50);
  const config = `sources:\n  - repositories: ["acme/*"]\nenvironments:\n  dev:\n    paths: ["apps/*/overlays/dev/**"]\nreport:\n  deployments: false\n`;
  const harness = (bot = await startBot(
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: config },
          ...manifestsRepoFiles({ services: 50, environments: ["dev"] }),
        ],
      },
      ...services.map((name) => sourceRepo(name)),
    ],
    { contentPerMinute: 78 },
  )); // reports get 2/3 of it: 52 a minute, enough for the 50 statuses
  const shas = await Promise.all(services.map((name) => harness.commitSource(name)));
  await Promise.all(
    services.map((name, index) => harness.send("workflow_run", harness.workflowRun(name, shas[index]!))),
  );
  await harness.idle();

  for (const [index, name] of services.entries())
    expect(await tagIn(harness, `apps/${name}/overlays/dev/kustomization.yaml`)).toBe(shas[index]);
  const commits = await harness.appCommits();
  expect(commits.length).toBeGreaterThanOrEqual(1);
  expect(commits.length).toBeLessThanOrEqual(5);
  expect(harness.twin.counters.maxContentCreatingPerMinute()).toBeLessThan(80);
});

test("a racing writer: STALE_DATA, then a re-read and a commit that keeps both changes", async () => {
  const harness = await startWeb();
  const before = await harness.repo("acme", "manifests").git.getRef("refs/heads/main");
  harness.twin.faults.race({
    owner: "acme",
    repo: "manifests",
    branch: "main",
    route: "graphql mutation createCommitOnBranch",
  });
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();

  expect(await tagIn(harness, DEV)).toBe(sha);
  expect(harness.twin.counters.count("graphql mutation createCommitOnBranch")).toBe(2);
  const history = await harness.repo("acme", "manifests").git.commitsBetween(before!, "refs/heads/main");
  expect(history).toHaveLength(2); // the racer's commit and the app's, nothing lost
  expect(await harness.appCommits()).toHaveLength(1);
});

test("502s and a secondary rate limit are waited out and retried; nothing is lost", async () => {
  const harness = await startWeb();
  harness.twin.faults.fail("graphql mutation createCommitOnBranch", 502, 2);
  harness.twin.faults.secondaryRateLimit("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", { retryAfter: 1 });
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(sha);
  expect(await harness.appCommits()).toHaveLength(1);
});

test("an invalid config writes nothing and fails a check run on the manifests repository with line and fix", async () => {
  const harness = await startWeb(CONFIG.replace("mode: commit", "mode: yolo"));
  await harness.send("workflow_run", harness.workflowRun("web", await harness.commitSource("web")));
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(ZERO);
  const manifests = harness.repo("acme", "manifests");
  const runs = [...manifests.checkRuns.values()];
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({
    conclusion: "failure",
    headSha: await manifests.git.getRef("refs/heads/main"),
  });
  expect(runs[0]!.output.summary).toMatch(/\.github\/gitops-image-bot\.yml:7:\d+: .*mode.*Fix: /);
});

test("one broken manifests file among good ones: the good ones update, the broken one is reported", async () => {
  const broken = {
    path: "apps/web/overlays/dev/values.yaml",
    content: "image:\n  repository: ghcr.io/acme/web\n  tag: [unclosed\n",
  };
  const harness = await startWeb(CONFIG, [broken]);
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(sha);
  expect(await harness.file("acme", "manifests", broken.path)).toBe(broken.content);
  const status = harness
    .repo("acme", "web")
    .statuses.find((entry) => entry.context === "gitops-image-bot/dev");
  // Written, not yet observed running: pending until Argo CD says Healthy.
  expect(status?.state).toBe("pending");
  expect(status?.description).toMatch(/^on main at [0-9a-f]{7}, waiting for Argo CD; 1 file not written/);
});

test("a multi-arch package push: one commit with the index's tag and digest", async () => {
  const harness = await startWeb(
    CONFIG.replace(
      'repositories: ["acme/*"]',
      'repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}',
    ),
  );
  const sha = await harness.commitSource("web");
  const digest = (n: string) => `sha256:${n.repeat(64)}`;
  const event = (tag: string, manifestDigest: string) => {
    const payload = harness.example("package", "published", "acme", "web");
    const version = (payload["package"] as { package_version: Record<string, unknown> }).package_version;
    version["package_url"] = "ghcr.io/acme/web:";
    version["container_metadata"] = {
      tag: { name: tag, digest: manifestDigest },
      labels: { revision: sha, all_labels: { "org.opencontainers.image.revision": sha } },
    };
    return payload;
  };
  await Promise.all([
    harness.send("package", event("", digest("1"))), // linux/amd64, untagged
    harness.send("package", event("", digest("2"))), // linux/arm64, untagged
    harness.send("package", event(`sha-${sha.slice(0, 7)}`, digest("3"))), // the index, tagged
  ]);
  await harness.idle();
  await harness.send("package", event(`sha-${sha.slice(0, 7)}`, digest("3"))); // the same again, new delivery
  await harness.idle();
  const text = await harness.file("acme", "manifests", DEV);
  expect(text).toContain(`newTag: "sha-${sha.slice(0, 7)}"`); // the file quoted its tag: kept
  expect(text).toContain(`digest: ${digest("3")}`);
  expect(await harness.appCommits()).toHaveLength(1);
});

test("_extends takes the organisation's settings from acme/.github", async () => {
  const harness = await startWeb("_extends: .github\n");
  await harness.twin.store.createRepo({
    owner: "acme",
    name: ".github",
    files: [{ path: ".github/gitops-image-bot.yml", content: CONFIG }],
  });
  const sha = await harness.commitSource("web");
  await harness.send("workflow_run", harness.workflowRun("web", sha));
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(sha);
});

test("a package whose revision is not on the default branch reaches no environment limited to it", async () => {
  const config = CONFIG.replace(
    'repositories: ["acme/*"]',
    'repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}',
  ).replace('branches: ["**"] # any branch', "# dev takes the default branch only");
  const harness = await startWeb(config);
  const sha = await harness.commitSource("web", "feature");
  const payload = harness.example("package", "published", "acme", "web");
  const version = (payload["package"] as { package_version: Record<string, unknown> }).package_version;
  version["package_url"] = "ghcr.io/acme/web:";
  version["container_metadata"] = {
    tag: { name: `sha-${sha.slice(0, 7)}`, digest: `sha256:${"4".repeat(64)}` },
    labels: { revision: sha, all_labels: { "org.opencontainers.image.revision": sha } },
  };
  await harness.send("package", payload);
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(ZERO);
  expect(await harness.appCommits()).toHaveLength(0);
  // The same image built from main does deploy: the config is valid and the package path works.
  const onMain = await harness.commitSource("web");
  version["container_metadata"] = {
    tag: { name: `sha-${onMain.slice(0, 7)}`, digest: `sha256:${"5".repeat(64)}` },
    labels: { revision: onMain, all_labels: { "org.opencontainers.image.revision": onMain } },
  };
  await harness.send("package", payload);
  await harness.idle();
  expect(await tagIn(harness, DEV)).toBe(`sha-${onMain.slice(0, 7)}`);
});
