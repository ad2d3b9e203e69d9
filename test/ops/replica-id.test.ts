// Issue #19: the production entry point (node dist/start.js, as `npm start` and the image run it) names
// its replica in every log line and on every metric: REPLICA_ID, else HOSTNAME (a pod's name).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../twin/harness.js";
import { throwawayKeyPair } from "../../twin/keys.js";
import { sampleValue } from "../helpers/metric-sample.js";

const START = join(process.cwd(), "dist", "start.js");

let dir: string;
beforeAll(async () => {
  if (!existsSync(START))
    throw new Error(`${START} is missing: run \`npm run build\` first (npm test does).`);
  dir = await mkdtemp(join(tmpdir(), "replica-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

test.each([
  ["REPLICA_ID", { REPLICA_ID: "bot-eu-1", HOSTNAME: "gitops-image-bot-5c7d9-x2k4q" }, "bot-eu-1"],
  ["HOSTNAME (a pod's name)", { HOSTNAME: "gitops-image-bot-5c7d9-x2k4q" }, "gitops-image-bot-5c7d9-x2k4q"],
])("the replica from %s is on every JSON log line and every metric", async (_name, env, replica) => {
  const port = await freePort();
  const child = spawn(process.execPath, [START], {
    cwd: dir,
    env: {
      PATH: process.env["PATH"],
      NODE_ENV: "production",
      WEBHOOK_SECRET: "0123456789abcdef0123456789abcdef",
      APP_ID: "4242",
      PRIVATE_KEY: throwawayKeyPair().privateKey,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      RECONCILE_SCHEDULE: "off",
      WARM_UP: "off",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  try {
    // However long node takes to start on this machine: the test's budget bounds the wait.
    while (!stdout.includes(`Listening on http://127.0.0.1:${port}`)) {
      if (child.exitCode !== null) throw new Error(`did not start:\n${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(sampleValue(metrics, "gitops_image_bot_commits_total", { replica })).toBe(0);
    const samples = metrics.split("\n").filter((line) => line !== "" && !line.startsWith("#"));
    expect(samples.filter((line) => !line.includes(`replica="${replica}"`))).toEqual([]);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => line["replica"] !== replica)).toEqual([]);
  } finally {
    child.kill("SIGKILL");
  }
});
