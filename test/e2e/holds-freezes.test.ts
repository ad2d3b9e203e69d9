// Holds and freezes live in git (`.github/gitops-image-bot-state.yml`): a person who edits that file
// stops automatic deploys as surely as a command would.
import { STATE_PATH } from "../../src/state/state-file.js";
import {
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  PROD,
  OLD,
  webManifests,
} from "./bot-harness.js";

let bot: BotHarness;

async function start(state: string): Promise<void> {
  bot = await startBot([webManifests([{ path: STATE_PATH, content: state }]), sourceRepo("web")]);
}

afterEach(() => closeExpectingNoViolations(bot));

const deployed = (path: string) => bot.deployed(path);

function statuses(sha: string): Record<string, [string, string | null]> {
  return Object.fromEntries(
    bot
      .repo("acme", "web")
      .statuses.filter((status) => status.sha === sha)
      .map((status) => [status.context, [status.state, status.description]]),
  );
}

async function build(): Promise<string> {
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  return sha;
}

test("a frozen environment is left alone and its status says pending, by whom and why", async () => {
  await start(`freezes:\n  prod:\n    by: alice\n    at: "2026-01-01T00:00:00Z"\n    reason: incident 42\n`);
  const sha = await build();
  expect(await deployed(DEV)).toBe(sha);
  expect(await deployed(PROD)).toBe(OLD);
  expect(statuses(sha)).toEqual({
    "gitops-image-bot/dev": [
      "pending",
      expect.stringMatching(/^on main at [0-9a-f]{7}, waiting for Argo CD$/),
    ],
    "gitops-image-bot/prod": [
      "pending",
      "prod: pending: the environment is frozen by @\u200balice (incident 42)",
    ],
  });
});

test("a freeze that has ended stops nothing", async () => {
  await start(`freezes:\n  prod: { by: alice, at: "2026-01-01T00:00:00Z", until: "2026-01-01T01:00:00Z" }\n`);
  const sha = await build();
  expect(await deployed(PROD)).toBe(sha);
});

test("a hold pins one image in one environment until its entry is deleted", async () => {
  await start(
    `holds:\n  dev:\n    ghcr.io/acme/web:\n      tag: "${OLD}"\n      by: bob\n      at: "2026-01-01T00:00:00Z"\n      reason: rollback\n`,
  );
  const first = await build();
  expect(await deployed(DEV)).toBe(OLD);
  expect(await deployed(PROD)).toBe(first);
  expect(statuses(first)["gitops-image-bot/dev"]?.[0]).toBe("pending");

  // A person lifts the hold by editing git; the next build lands.
  await bot.twin.store.commitFiles(
    bot.repo("acme", "manifests"),
    "main",
    [{ path: STATE_PATH, content: "" }],
    "lift",
  );
  const second = await build();
  expect(await deployed(DEV)).toBe(second);
});

test("a broken state file stops every automatic deploy and fails a check run naming the line", async () => {
  await start(`freezes:\n  prod:\n    by: alice\n    at: last tuesday\n`);
  await build();
  expect(await deployed(DEV)).toBe(OLD);
  expect(await deployed(PROD)).toBe(OLD);
  const runs = [...bot.repo("acme", "manifests").checkRuns.values()];
  expect(runs.map((run) => [run.name, run.conclusion])).toEqual([
    ["gitops-image-bot: configuration", "failure"],
  ]);
  expect(JSON.stringify(runs[0])).toContain(`${STATE_PATH}:4:1: freezes.prod.at:`);
});
