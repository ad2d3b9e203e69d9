// A mass rebuild through the real server and the twin: 400 builds of 100 services in one burst, each
// service's builds arriving out of order. Every build ends written or skipped with a reason, each
// overlay ends at its service's newest build, in a few commits. Bounded by counts, not by time.
import { afterEach, expect, test } from "@jest/globals";
import { manifestsRepoFiles, serviceNames } from "../../twin/fixtures/manifests-repo.js";
import { sourceRepo, startBot, type BotHarness } from "./bot-harness.js";

const SERVICES = 100;
const BUILDS_PER_SERVICE = 4;
/** The order each service's builds are sent in (0 = its oldest commit): older ones after newer ones. */
const SEND_ORDER = [1, 0, 3, 2];

let bot: BotHarness | undefined;

afterEach(async () => {
  if (!bot) return;
  const violations = [...bot.twin.violations];
  await bot.close();
  bot = undefined;
  expect(violations).toEqual([]);
});

/** The sum of a counter's samples in the app's /metrics text, per label value of `label`. */
function countsBy(text: string, metric: string, label: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${metric}\\{[^}]*\\b${label}="([^"]*)"[^}]*\\} (\\d+)$`).exec(line);
    if (match) counts.set(match[1]!, (counts.get(match[1]!) ?? 0) + Number(match[2]));
  }
  return counts;
}

test("400 builds of 100 services in one burst: each overlay at its newest build, every build accounted for", async () => {
  const services = serviceNames(SERVICES);
  const config = `sources:\n  - repositories: ["acme/*"]\nenvironments:\n  dev:\n    paths: ["apps/*/overlays/dev/**"]\nreport:\n  statuses: false\n  deployments: false\n`;
  const harness = (bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: config },
        ...manifestsRepoFiles({ services: SERVICES, environments: ["dev"] }),
      ],
    },
    ...services.map((name) => sourceRepo(name)),
  ]));
  const shas = new Map<string, string[]>();
  for (const name of services) {
    const line: string[] = [];
    for (let n = 0; n < BUILDS_PER_SERVICE; n++) line.push(await harness.commitSource(name));
    shas.set(name, line);
  }
  // One burst: every service's second build, then its first, its fourth (the newest), its third.
  const sends = SEND_ORDER.flatMap((n) =>
    services.map((name) => harness.send("workflow_run", harness.workflowRun(name, shas.get(name)![n]!))),
  );
  await Promise.all(sends);
  await harness.idle();

  for (const name of services)
    expect([name, await harness.deployed(`apps/${name}/overlays/dev/kustomization.yaml`)]).toEqual([
      name,
      shas.get(name)![BUILDS_PER_SERVICE - 1],
    ]);
  const text = await harness.bot.metrics.text();
  const written = [...countsBy(text, "gitops_image_bot_updates_written_total", "environment").values()];
  const skipped = countsBy(text, "gitops_image_bot_updates_skipped_total", "reason");
  // Each build once, in dev: written, or skipped as older than a newer one of its service.
  const total = written.reduce((a, b) => a + b, 0) + [...skipped.values()].reduce((a, b) => a + b, 0);
  expect(total).toBe(SERVICES * BUILDS_PER_SERVICE);
  expect(
    [...skipped.keys()].filter((reason) => !["superseded", "older-than-deployed"].includes(reason)),
  ).toEqual([]);
  // Batches of at most 200 builds: a few commits, not one per build.
  const commits = await harness.appCommits();
  expect(commits.length).toBeGreaterThanOrEqual(2);
  expect(commits.length).toBeLessThanOrEqual(10);
});
