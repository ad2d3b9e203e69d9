// Configuration mistakes are seen before the merge: a pull request that changes the config or the
// holds and freezes file gets a check run on its head, failing with an annotation on the broken line.
// Also end to end: `.github/gitops-image-bot.yaml` is read, `_extends: owner/repo:path` works, and
// `!glob` excludes a repository.
import { jest } from "@jest/globals";
import { CONFIG_CHECK_NAME } from "../../src/services/report-config-problems.js";
import { STATE_PATH } from "../../src/state/state-file.js";
import { branchMoved } from "../../twin/events.js";
import { createPull } from "../../twin/pulls.js";
import type { CheckRunRecord } from "../../twin/state.js";
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

// Each test starts a twin and the app and waits for webhooks and a few requests: seconds of work on a
// loaded machine, not milliseconds.
jest.setTimeout(60_000);

const CONFIG_PATH = ".github/gitops-image-bot.yml";
let bot: BotHarness;

afterEach(() => closeExpectingNoViolations(bot));

/** A person pushes `files` to a new branch of acme/manifests and opens a pull request from it. */
async function openPull(
  branch: string,
  files: { path: string; content: string | null }[],
): Promise<{ number: number; head: string }> {
  const manifests = bot.repo("acme", "manifests");
  const head = await bot.twin.store.commitFiles(manifests, branch, files, `change on ${branch}`);
  const pull = await createPull(bot.twin, manifests, {
    title: branch,
    body: null,
    head: branch,
    base: "main",
    draft: false,
    user: bot.twin.store.account("alice"),
  });
  await bot.idle();
  return { number: pull.number, head };
}

/** A person pushes more to the pull request's branch: GitHub sends `push` and `synchronize`. */
async function pushTo(branch: string, files: { path: string; content: string | null }[]): Promise<string> {
  const manifests = bot.repo("acme", "manifests");
  const before = (await manifests.git.getRef(`refs/heads/${branch}`))!;
  const after = await bot.twin.store.commitFiles(manifests, branch, files, `more on ${branch}`);
  await branchMoved(
    bot.twin,
    manifests,
    `refs/heads/${branch}`,
    before,
    after,
    bot.twin.store.account("alice"),
  );
  await bot.idle();
  return after;
}

function checkRuns(sha: string): CheckRunRecord[] {
  return [...bot.repo("acme", "manifests").checkRuns.values()].filter(
    (run) => run.headSha === sha && run.name === CONFIG_CHECK_NAME,
  );
}

function annotations(run: CheckRunRecord | undefined): string[] {
  return (run?.annotations ?? []).map(
    (a) => `${a.path}:${a.startLine}:${a.startColumn ?? "?"} ${a.level} ${a.message}`,
  );
}

describe("the configuration check on pull requests", () => {
  beforeEach(async () => {
    bot = await startBot([webManifests(), sourceRepo("web")]);
  });

  test("a broken config fails the check on the head with an annotation on its line; the fix makes it pass", async () => {
    const broken = CONFIG.replace("mode: commit", "mode: pull_request").replace(
      "environments:",
      "reconcile:\n  interval: 5\nenvironments:",
    );
    const { head } = await openPull("broken-config", [{ path: CONFIG_PATH, content: broken }]);
    const [run, ...others] = checkRuns(head);
    expect(others).toEqual([]);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
    expect(run!.output.title).toBe(
      "2 problems in the configuration: once merged, nothing deploys until fixed",
    );
    expect(annotations(run)).toEqual([
      `${CONFIG_PATH}:5:3 failure unknown key \`interval\` in \`reconcile\`. Fix: did you mean \`intervalMinutes\`? (the keys in \`reconcile\` are intervalMinutes, requestBudget, dashboard)`,
      `${CONFIG_PATH}:9:11 failure \`environments.dev.mode\` is \`pull_request\`, not one of commit, pull-request, auto-merge. Fix: did you mean \`pull-request\`? (one of commit, pull-request, auto-merge)`,
    ]);
    expect(run!.output.summary).toContain(`${CONFIG_PATH}:5:3: unknown key \`interval\``);

    // Nothing was deployed from the pull request, and the default branch is untouched.
    expect(await bot.appCommits()).toEqual([]);

    const fixed = await pushTo("broken-config", [
      { path: CONFIG_PATH, content: CONFIG.replace("mode: commit", "mode: pull-request") },
    ]);
    expect(checkRuns(fixed).map((r) => [r.conclusion, r.output.title])).toEqual([
      ["success", "configuration valid"],
    ]);

    // Pushed back to the base's config: the pull request no longer changes it, so nothing to check.
    const reverted = await pushTo("broken-config", [{ path: CONFIG_PATH, content: CONFIG }]);
    expect(checkRuns(reverted)).toEqual([]);
  });

  test("a valid config change passes", async () => {
    const { head } = await openPull("valid-config", [
      {
        path: CONFIG_PATH,
        content: CONFIG.replace('repositories: ["acme/*"]', 'repositories: ["acme/*", "!acme/sandbox-*"]'),
      },
    ]);
    expect(checkRuns(head).map((r) => [r.conclusion, r.output.summary])).toEqual([
      ["success", `Checked at ${head.slice(0, 7)}: ${CONFIG_PATH}.`],
    ]);
  });

  test("a pull request that touches neither file gets no check run", async () => {
    const { head } = await openPull("manifests-only", [
      { path: "apps/web/base/deployment.yaml", content: "kind: Deployment\n" },
    ]);
    expect(checkRuns(head)).toEqual([]);
  });

  test("a config changed on the base since the branch was cut is not this pull request's change: no check run", async () => {
    const manifests = bot.repo("acme", "manifests");
    await bot.twin.store.commitFiles(manifests, "old-branch", [{ path: "notes.txt", content: "x\n" }], "cut");
    await bot.twin.store.commitFiles(
      manifests,
      "main",
      [{ path: CONFIG_PATH, content: `${CONFIG}# edited\n` }],
      "edit",
    );
    const { head } = await openPull("old-branch", [{ path: "notes.txt", content: "y\n" }]);
    expect(checkRuns(head)).toEqual([]);
  });

  test("a broken holds and freezes file fails the check at its line", async () => {
    const { head } = await openPull("freeze-by-hand", [
      { path: STATE_PATH, content: "freezes:\n  prod:\n    by: alice\n    at: last tuesday\n" },
    ]);
    const [run] = checkRuns(head);
    expect(run?.conclusion).toBe("failure");
    expect(annotations(run)).toEqual([
      `${STATE_PATH}:4:9 failure freezes.prod.at: Invalid ISO datetime. Fix: correct the entry, or delete it to lift that hold or freeze`,
    ]);
  });

  test("adding .github/gitops-image-bot.yaml next to the .yml is refused: two configuration files", async () => {
    const { head } = await openPull("second-config", [
      { path: ".github/gitops-image-bot.yaml", content: CONFIG },
    ]);
    const [run] = checkRuns(head);
    expect(run?.conclusion).toBe("failure");
    expect(annotations(run).map((line) => line.split(" failure ")[0])).toEqual([
      `${CONFIG_PATH}:1:1`,
      ".github/gitops-image-bot.yaml:1:1",
    ]);
    expect(run!.output.summary).toContain("two configuration files");
  });

  test("more than 50 problems: every one is annotated, 50 per request", async () => {
    const keys = Array.from({ length: 60 }, (_, i) => `unknown${i}: 1`).join("\n");
    const { head } = await openPull("many-problems", [{ path: CONFIG_PATH, content: `${CONFIG}${keys}\n` }]);
    const [run] = checkRuns(head);
    expect(run?.output.annotationsCount).toBe(60);
    expect(run?.annotations.at(-1)?.startLine).toBe(CONFIG.split("\n").length - 1 + 60);
  });
});

describe("config files and globs, end to end through the deployer", () => {
  async function build(name = "web"): Promise<string> {
    const sha = await bot.commitSource(name);
    await bot.send("workflow_run", bot.workflowRun(name, sha));
    await bot.idle();
    return sha;
  }

  test("a manifests repository configured by .github/gitops-image-bot.yaml is deployed into", async () => {
    const manifests = webManifests();
    bot = await startBot([
      {
        ...manifests,
        files: manifests.files!.map((f) =>
          f.path === CONFIG_PATH ? { ...f, path: ".github/gitops-image-bot.yaml" } : f,
        ),
      },
      sourceRepo("web"),
    ]);
    const sha = await build();
    expect(await bot.deployed(DEV)).toBe(sha);
  });

  test("_extends: owner/repo:path reads the base from that file", async () => {
    const local =
      '_extends: acme/platform:shared/deploy-bot.yml\nenvironments:\n  dev:\n    paths: ["apps/*/overlays/dev/**"]\n    branches: ["**"]\n';
    const manifests = webManifests();
    bot = await startBot([
      {
        ...manifests,
        files: manifests.files!.map((f) => (f.path === CONFIG_PATH ? { ...f, content: local } : f)),
      },
      {
        name: "platform",
        files: [{ path: "shared/deploy-bot.yml", content: 'sources:\n  - repositories: ["acme/*"]\n' }],
      },
      sourceRepo("web"),
    ]);
    const sha = await build();
    expect(await bot.deployed(DEV)).toBe(sha);
  });

  test("_extends naming a file that does not exist fails the check run at the _extends line", async () => {
    const local = `# shared settings\n_extends: acme/platform:shared/missing.yml\n${CONFIG}`;
    const manifests = webManifests();
    bot = await startBot([
      {
        ...manifests,
        files: manifests.files!.map((f) => (f.path === CONFIG_PATH ? { ...f, content: local } : f)),
      },
      { name: "platform", files: [{ path: "README.md", content: "platform\n" }] },
      sourceRepo("web"),
    ]);
    await build();
    expect(await bot.deployed(DEV)).toBe(OLD);
    const runs = [...bot.repo("acme", "manifests").checkRuns.values()];
    expect(runs.map((run) => run.conclusion)).toEqual(["failure"]);
    expect(annotations(runs[0])).toEqual([
      `${CONFIG_PATH}:2:11 failure _extends: acme/platform:shared/missing.yml: acme/platform:shared/missing.yml was not found, or the app cannot read that repository. Fix: create shared/missing.yml on the default branch of acme/platform and install the app on acme/platform, or remove _extends`,
    ]);
  });

  test("`!acme/sandbox-*` keeps a sandbox's builds out", async () => {
    const manifests = webManifests();
    const excluding = CONFIG.replace(
      'repositories: ["acme/*"]',
      'repositories: ["acme/*", "!acme/sandbox-*"]',
    );
    bot = await startBot([
      {
        ...manifests,
        files: [
          ...manifests.files!.map((f) => (f.path === CONFIG_PATH ? { ...f, content: excluding } : f)),
          {
            path: "apps/sandbox-1/overlays/dev/kustomization.yaml",
            content: "images:\n  - name: ghcr.io/acme/sandbox-1\n    newTag: old\n",
          },
        ],
      },
      sourceRepo("web"),
      sourceRepo("sandbox-1"),
    ]);
    await build("sandbox-1");
    expect(await bot.file("acme", "manifests", "apps/sandbox-1/overlays/dev/kustomization.yaml")).toContain(
      "newTag: old",
    );
    const sha = await build("web");
    expect(await bot.deployed(DEV)).toBe(sha);
  });
});
