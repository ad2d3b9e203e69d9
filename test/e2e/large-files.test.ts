// A large file or an alias bomb in the manifests repository is refused per file, never per process:
// through the real Probot server and the twin, a 1 MB kustomization (20,000 `images` entries) and a
// 641-byte "billion laughs" kustomization sit under dev's paths next to a normal overlay. Builds deploy
// the normal overlay; the two files are skipped with their reasons (status, check run, dashboard, log);
// the next build and a restarted app deploy as well.
import { Writable } from "node:stream";
import { pino } from "pino";
import { run, ProbotOctokit, type Logger } from "probot";
import { createBot, type Bot } from "../../src/app.js";
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import { REFUSED_FILES_CHECK_NAME } from "../../src/services/report-refused-files.js";
import { startHarness, type Harness } from "../../twin/harness.js";
import { CONFIG, DEV, OLD, overlay, sourceRepo } from "./bot-harness.js";

const HUGE = "apps/huge/overlays/dev/kustomization.yaml";
const BOMB = "apps/bomb/overlays/dev/kustomization.yaml";

/** 20,000 `images` entries, about 1 MB; acme/web among them (never read, so never written). */
function hugeKustomization(): string {
  const lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization", "images:"];
  for (let index = 0; index < 20_000; index++)
    lines.push(`  - name: ghcr.io/acme/service-${index}`, `    newTag: "1.0.${index}"`);
  lines.push("  - name: ghcr.io/acme/web", `    newTag: "${OLD}"`);
  return `${lines.join("\n")}\n`;
}

/** Nine levels of nine aliases (9^9 "lol"s once expanded), naming acme/web: 641 bytes. */
function aliasBomb(): string {
  const levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
  const lines = ["apiVersion: kustomize.config.k8s.io/v1beta1", "kind: Kustomization"];
  lines.push(`a: &a [${Array(9).fill('"lol"').join(",")}]`);
  for (let index = 1; index < levels.length; index++)
    lines.push(
      `${levels[index]}: &${levels[index]} [${Array(9)
        .fill(`*${levels[index - 1]}`)
        .join(",")}]`,
    );
  lines.push("images:", "  - name: ghcr.io/acme/web", `    newTag: "${OLD}"`);
  const text = `${lines.join("\n")}\n`;
  return `${text}# ${"x".repeat(641 - text.length - 3)}\n`;
}

const Octokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

/** The app's own server, restartable on the same address (a new process's empty caches). */
interface RunningApp {
  bot: Bot;
  server: { stop(): Promise<void> };
}

let harness: Harness;
let app: RunningApp;
let env: Record<string, string>;
const lines: Record<string, unknown>[] = [];
let counter = 0;

async function launch(): Promise<void> {
  const bot = createBot({ batchWindowMs: 150, scheduleTickMs: 0, warmUp: false });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const log = pino({ level: "info" }, sink) as unknown as Logger;
  const sigintBefore = new Set(process.listeners("SIGINT"));
  const server = await run(bot.appFn, { env, Octokit, log });
  for (const listener of process.listeners("SIGINT"))
    if (!sigintBefore.has(listener)) process.removeListener("SIGINT", listener);
  app = { bot, server };
}

async function stopApp(): Promise<void> {
  app.bot.stop();
  await app.server.stop();
}

beforeEach(async () => {
  lines.length = 0;
  harness = await startHarness({
    repos: [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: DEV, content: overlay("ghcr.io/acme/web", OLD) },
          { path: HUGE, content: hugeKustomization() },
          { path: BOMB, content: aliasBomb() },
        ],
      },
      sourceRepo("web"),
    ],
    startApp: async (given) => {
      env = given;
      await launch();
      return { stop: stopApp };
    },
    appIdle: () => app.bot.idle(),
  });
});

afterEach(async () => {
  const violations = [...harness.twin.violations];
  await harness.close();
  expect(violations).toEqual([]);
});

/** A successful build of acme/web whose webhook arrives; resolves once the app is idle. */
async function build(): Promise<string> {
  const sha = await harness.twin.store.commitFiles(
    harness.repo("acme", "web"),
    "main",
    [{ path: "src/version.txt", content: `${++counter}\n` }],
    `change ${counter}`,
  );
  const { payload } = harness.workflowRunPayload("acme", "web", {
    headSha: sha,
    headBranch: "main",
    event: "push",
  });
  const delivery = await harness.send("workflow_run", payload);
  expect(delivery.status).toBe(200);
  await harness.idle();
  return sha;
}

const tagIn = async (path: string) =>
  (await harness.file("acme", "manifests", path))?.match(
    /name: ghcr\.io\/acme\/web\n\s+newTag: "([^"]*)"/,
  )?.[1];

test("the sizes are what the issue says", () => {
  expect(aliasBomb()).toHaveLength(641);
  expect(hugeKustomization().length).toBeGreaterThan(1_000_000);
});

test("a 1 MB kustomization and an alias bomb are skipped with their reasons; the normal overlay deploys, again after a restart", async () => {
  const huge = await harness.file("acme", "manifests", HUGE);
  const bomb = await harness.file("acme", "manifests", BOMB);

  // 1. A build: the normal overlay is written, the two files are left as they are.
  const first = await build();
  expect(await tagIn(DEV)).toBe(first);
  expect(await harness.file("acme", "manifests", HUGE)).toBe(huge);
  expect(await harness.file("acme", "manifests", BOMB)).toBe(bomb);

  // The build's status says it was written, and that a file was not.
  const statuses = harness.repo("acme", "web").statuses.filter((status) => status.sha === first);
  expect(statuses.map((status) => [status.context, status.state, status.description])).toEqual([
    [
      "gitops-image-bot/dev",
      "pending",
      expect.stringMatching(/^on main at [0-9a-f]{7}, waiting for Argo CD; 1 file not written/),
    ],
  ]);

  // The log says which files were refused and why, once; the plan names the bomb's skip.
  const refusedLines = lines.filter(
    (line) => line["msg"] === "manifests files refused: builds are not written to them",
  );
  expect(refusedLines).toHaveLength(1);
  expect(refusedLines[0]!["files"]).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        new RegExp(`^${BOMB}:4:8: the file's 72 YAML aliases expand past the limit of 100`),
      ),
      expect.stringMatching(
        new RegExp(
          `^${HUGE}:1:1: the file is too large to read: 1,\\d{3},\\d{3} bytes, over the limit of 262,144`,
        ),
      ),
    ]),
  );
  const planned = lines.filter((line) => line["msg"] === "batch planned");
  expect(JSON.stringify(planned)).toContain("too-many-aliases");

  // A neutral check run on the manifests head names both files, with an annotation each.
  const runs = [...harness.repo("acme", "manifests").checkRuns.values()].filter(
    (run) => run.name === REFUSED_FILES_CHECK_NAME,
  );
  expect(runs).toHaveLength(1);
  expect(runs[0]).toMatchObject({ status: "completed", conclusion: "neutral" });
  expect(runs[0]!.output.title).toBe("2 manifests files are not read: builds are not written to them");
  expect(runs[0]!.annotations.map((a) => `${a.path}:${a.startLine} ${a.level}`).sort()).toEqual([
    `${BOMB}:4 warning`,
    `${HUGE}:1 warning`,
  ]);

  // 2. The next build deploys too, and says nothing new about the same files.
  const second = await build();
  expect(await tagIn(DEV)).toBe(second);
  expect(
    [...harness.repo("acme", "manifests").checkRuns.values()].filter(
      (run) => run.name === REFUSED_FILES_CHECK_NAME,
    ),
  ).toHaveLength(1);

  // 3. The dashboard lists both files under "Needs attention".
  await app.bot.reconcile(harness.installation.id);
  await harness.idle();
  const dashboard = [...harness.repo("acme", "manifests").issues.values()].find(
    (issue) => !issue.pull && issue.title === DASHBOARD_TITLE,
  );
  const attention = dashboard?.body?.split("## Needs attention")[1]?.split("\n## ")[0] ?? "";
  expect(attention).toContain(
    `\`${HUGE}\` is not read, so no build is written to it: the file is too large to read`,
  );
  expect(attention).toContain(`\`${BOMB}\` (line 4) is not read, so no build is written to it`);

  // 4. A restart (empty caches: the tree is listed and every file screened again) deploys as well.
  await stopApp();
  await launch();
  const third = await build();
  expect(await tagIn(DEV)).toBe(third);
  expect(await harness.file("acme", "manifests", HUGE)).toBe(huge);
});
