// Issue #19, "Observability of the fleet", through the real Probot server and the twin: /metrics names
// the replica on every series, times a build from its webhook to its commit, tells GitHub's secondary
// rate limit from other refusals, and counts a batch that fails for good.
import {
  closeExpectingNoViolations,
  sourceRepo,
  startBot,
  type BotHarness,
  DEV,
  webManifests,
} from "./bot-harness.js";
import { sampleValue } from "../helpers/metric-sample.js";

const REPLICA = "gitops-image-bot-5c7d9-x2k4q";
const COMMIT = "graphql mutation createCommitOnBranch";

let bot: BotHarness;

afterEach(() => closeExpectingNoViolations(bot));

/** /metrics as Prometheus scrapes it from the app's server. */
async function scrape(): Promise<string> {
  const response = await fetch(`${new URL(bot.webhookUrl).origin}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

/** The value of the series `name` with exactly `labels` and this replica's label. */
function value(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  return sampleValue(text, name, { ...labels, replica: REPLICA });
}

const LATENCY = "gitops_image_bot_build_to_commit_seconds";
const REQUESTS = "gitops_image_bot_github_requests_total";
const FAILED = "gitops_image_bot_batches_failed_total";

test("a build deployed through a secondary limit: replica on every series, one latency, the limit told apart", async () => {
  bot = await startBot([webManifests(), sourceRepo("web")], { replicaId: REPLICA });
  // GitHub answers the commit with its secondary rate limit once (403, retry-after 1 s); the batch waits
  // it out and commits.
  bot.twin.faults.secondaryRateLimit(COMMIT, { retryAfter: 1 });
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(sha);
  expect(bot.twin.counters.count(COMMIT)).toBe(2);

  const text = await scrape();
  const samples = text.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
  expect(samples.filter((line) => !line.includes(`replica="${REPLICA}"`))).toEqual([]);

  const landed = { trigger: "workflow_run", landing: "commit" };
  expect(value(text, `${LATENCY}_count`, landed)).toBe(1);
  // From the webhook's arrival to the commit: at least the 1 s GitHub asked to wait.
  expect(value(text, `${LATENCY}_sum`, landed)).toBeGreaterThanOrEqual(1);
  expect(value(text, `${LATENCY}_bucket`, { le: "+Inf", ...landed })).toBe(1);

  // The refused commit (a GraphQL POST) is a secondary limit; the one that went through is not.
  expect(value(text, REQUESTS, { method: "POST", status: "403", limit: "secondary" })).toBe(1);
  expect(value(text, REQUESTS, { method: "POST", status: "200", limit: "none" })).toBeGreaterThanOrEqual(1);
  expect(text).not.toMatch(/limit="primary"/);
  for (const reason of ["rate-limit", "github", "network", "other"])
    expect(value(text, FAILED, { reason })).toBe(0);
});

test("GitHub's secondary limit on every write: the batch fails for good, counted as rate-limit, no latency", async () => {
  // No waiting out retry-after (the twin's clock does not move): the batch's retries run at once.
  bot = await startBot([webManifests(), sourceRepo("web")], { replicaId: REPLICA, sleep: async () => {} });
  // The twin's own content-creating limit, as GitHub enforces it: no content-creating request is admitted.
  bot.twin.faults.contentCreatingPerMinute = 0;
  const sha = await bot.commitSource("web");
  await bot.send("workflow_run", bot.workflowRun("web", sha));
  await bot.idle();
  expect(await bot.deployed(DEV)).not.toBe(sha);
  const refused = bot.twin.counters.secondaryLimitRefused.length;
  expect(refused).toBeGreaterThanOrEqual(2); // the commit, and its retries

  const text = await scrape();
  expect(value(text, FAILED, { reason: "rate-limit" })).toBe(1);
  expect(value(text, FAILED, { reason: "github" })).toBe(0);
  expect(value(text, REQUESTS, { method: "POST", status: "403", limit: "secondary" })).toBe(refused);
  expect(text).not.toContain(`${LATENCY}_count{`);
});
