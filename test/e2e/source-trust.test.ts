// What a build may claim about itself (#15 item 5, security review finding 2): the image a package
// names, and the branch a workflow run names. Each test drives the real server against the twin and
// checks the manifests repository's files that result.
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const PACKAGE_CONFIG = CONFIG.replace(
  'repositories: ["acme/*"]',
  'repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}',
);

let bot: BotHarness;

afterEach(() => closeExpectingNoViolations(bot));

async function start(config: string): Promise<void> {
  const manifests = webManifests([{ path: API_DEV, content: overlay("ghcr.io/acme/api", OLD) }]);
  bot = await startBot([
    {
      ...manifests,
      files: (manifests.files ?? []).map((file) =>
        file.path === ".github/gitops-image-bot.yml" ? { ...file, content: config } : file,
      ),
    },
    sourceRepo("web"),
    sourceRepo("api"),
  ]);
}

/** A real `package` published payload of acme/`name`, for the package `packageUrl` built from `sha`. */
function packageEvent(
  name: string,
  sha: string,
  packageUrl: string,
  namespace = "acme",
): Record<string, unknown> {
  const payload = bot.example("package", "published", "acme", name);
  const pkg = payload["package"] as Record<string, unknown> & { package_version: Record<string, unknown> };
  pkg["namespace"] = namespace;
  pkg.package_version["package_url"] = packageUrl;
  pkg.package_version["container_metadata"] = {
    tag: { name: `sha-${sha.slice(0, 7)}`, digest: `sha256:${"7".repeat(64)}` },
    labels: { revision: sha, all_labels: { "org.opencontainers.image.revision": sha } },
  };
  return payload;
}

test("a package of acme/web named ghcr.io/acme/api never writes api's overlay; web's own package still deploys", async () => {
  await start(PACKAGE_CONFIG);
  const sha = await bot.commitSource("web");
  const tag = `sha-${sha.slice(0, 7)}`;
  await bot.send("package", packageEvent("web", sha, `ghcr.io/acme/api:${tag}`));
  // Another owner's namespace, even for web's own image name, is refused too.
  await bot.send("package", packageEvent("web", sha, `ghcr.io/mallory/web:${tag}`, "mallory"));
  await bot.idle();
  expect(await bot.deployed(API_DEV)).toBe(OLD);
  expect(await bot.deployed(DEV)).toBe(OLD);
  expect(await bot.appCommits()).toHaveLength(0);

  await bot.send("package", packageEvent("web", sha, `ghcr.io/acme/web:${tag}`));
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(tag);
  expect(await bot.deployed(PROD)).toBe(tag);
  expect(await bot.deployed(API_DEV)).toBe(OLD);
});

/** A commit on top of acme/web's main that is not on main, pushed as the tag `main`. */
async function tagNamedMain(): Promise<string> {
  const web = bot.repo("acme", "web");
  const sha = await bot.twin.store.commitFiles(
    web,
    "side",
    [{ path: "src/version.txt", content: "unreviewed\n" }],
    "not on main",
  );
  expect(await web.git.casRef("refs/tags/main", sha, "0".repeat(40))).toBe(true);
  expect(await web.git.deleteRef("refs/heads/side", sha)).toBe(true);
  return sha;
}

/** The requests one build costs the app, reports (commit statuses, deployments) left out. */
async function requestsOf(send: () => Promise<unknown>): Promise<Record<string, number>> {
  bot.twin.counters.reset();
  await send();
  await bot.idle();
  const { byRoute } = bot.twin.counters.snapshot();
  return Object.fromEntries(
    Object.entries(byRoute).filter(([route]) => !/\/(statuses|deployments)\b/.test(route)),
  );
}

test("a run on a tag named main (head_branch: main) is no branch's build: neither prod nor dev; the next main build deploys", async () => {
  await start(CONFIG);
  const tagged = await tagNamedMain();
  await bot.send("workflow_run", bot.workflowRun("web", tagged, { head_branch: "main", event: "push" }));
  await bot.idle();
  expect(await bot.deployed(PROD)).toBe(OLD);
  // dev allows "**", every branch: a tag is not a branch, so it does not reach dev either.
  expect(await bot.deployed(DEV)).toBe(OLD);
  expect(await bot.appCommits()).toHaveLength(0);
  const failures = bot
    .repo("acme", "web")
    .statuses.filter((status) => status.sha === tagged)
    .map((status) => [status.context, status.state]);
  expect(failures).toEqual(
    expect.arrayContaining([
      ["gitops-image-bot/prod", expect.not.stringMatching(/^success$/)],
      ["gitops-image-bot/dev", expect.not.stringMatching(/^success$/)],
    ]),
  );

  // The tag did not stick: the real main build after it deploys everywhere.
  const real = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", real));
  await bot.idle();
  expect(await bot.deployed(PROD)).toBe(real);
  expect(await bot.deployed(DEV)).toBe(real);
});

test("checking the branch costs no request: a main build and a feature build cost what they did before", async () => {
  await start(CONFIG);
  // The first build reads what a started app does not know yet (token, repositories, tree).
  const first = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", first));
  await bot.idle();
  const main = await bot.commitSource("web");
  const onMain = await requestsOf(() => bot.send("workflow_run", bot.workflowRun("web", main)));
  // One GraphQL read of the manifests carrying the history (ordering guard and branch), one commit.
  expect(onMain).toEqual({
    "graphql mutation createCommitOnBranch": 1,
    "graphql query repository": 1,
  });
  expect(await bot.deployed(PROD)).toBe(main);

  const feature = await bot.commitSource("web", "feature");
  const onFeature = await requestsOf(() =>
    bot.send("workflow_run", bot.workflowRun("web", feature, { head_branch: "feature" })),
  );
  expect(onFeature).toEqual({
    "graphql mutation createCommitOnBranch": 1,
    "graphql query repository": 1,
  });
  expect(await bot.deployed(DEV)).toBe(feature);
  expect(await bot.deployed(PROD)).toBe(main);

  // A service's first build over a tag whose commit GitHub does not know (api's dev runs OLD): the
  // index read api's overlay with web's update, so the snapshot asked for OLD's history with the
  // build's and found GitHub has no such commit; the guard asks nothing more.
  const api = await bot.commitSource("api");
  const onApi = await requestsOf(() => bot.send("workflow_run", bot.workflowRun("api", api)));
  expect(onApi).toEqual({
    "graphql mutation createCommitOnBranch": 1,
    "graphql query repository": 1,
  });
  expect(await bot.file("acme", "manifests", API_DEV)).toContain(api);
});

test("a package and a /retag of the commit a tag `main` points at do not count as main's (the refs are qualified)", async () => {
  await start(PACKAGE_CONFIG);
  const tagged = await tagNamedMain();
  await bot.send("package", packageEvent("web", tagged, `ghcr.io/acme/web:sha-${tagged.slice(0, 7)}`));
  await bot.idle();
  expect(await bot.deployed(PROD)).toBe(OLD);

  bot.setPermission("acme", "manifests", "alice", "write");
  const issue = await bot.openIssue({ owner: "acme", name: "manifests", login: "alice", title: "ops" });
  await bot.comment({
    owner: "acme",
    name: "manifests",
    issueNumber: issue.number,
    login: "alice",
    body: `/retag prod ${tagged.slice(0, 7)} web`,
  });
  await bot.idle();
  expect(await bot.deployed(PROD)).toBe(OLD);
  const reply = [...bot.repo("acme", "manifests").comments.values()].find(
    (comment) => comment.user.login === "gitops-image-bot[bot]",
  );
  expect(reply?.body).toContain("may not deploy");
});
