import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startupProblem, type Env } from "../../src/start.js";
import { freePort } from "../../twin/harness.js";
import { throwawayKeyPair } from "../../twin/keys.js";

const GOOD: Env = {
  NODE_ENV: "production",
  WEBHOOK_SECRET: "0123456789abcdef0123456789abcdef",
  APP_ID: "4242",
  PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\\nMIIE...\\n-----END RSA PRIVATE KEY-----",
};

describe("startupProblem", () => {
  test.each<[string, Env, Env, RegExp | undefined]>([
    ["production with secret, app id and key", GOOD, {}, undefined],
    [
      "production with PRIVATE_KEY_PATH instead of PRIVATE_KEY",
      { ...GOOD, PRIVATE_KEY: undefined, PRIVATE_KEY_PATH: "/run/secrets/app.pem" },
      {},
      undefined,
    ],
    ["development without anything (Probot's registration flow)", {}, {}, undefined],
    ["Probot's registration flow (no app id, no key, not production)", { NODE_ENV: "test" }, {}, undefined],
    [
      "test with the default secret",
      { ...GOOD, NODE_ENV: "test", WEBHOOK_SECRET: "development" },
      {},
      /refusing to serve webhooks \(NODE_ENV=test\):\n- WEBHOOK_SECRET is "development"/,
    ],
    [
      "NODE_ENV unset with the default secret",
      { ...GOOD, NODE_ENV: undefined, WEBHOOK_SECRET: "development" },
      {},
      /refusing to serve webhooks \(NODE_ENV=unset\):\n- WEBHOOK_SECRET is "development"/,
    ],
    [
      "NODE_ENV unset without a secret",
      { ...GOOD, NODE_ENV: undefined, WEBHOOK_SECRET: undefined },
      {},
      /WEBHOOK_SECRET is not set/,
    ],
    [
      "development with a short secret",
      { ...GOOD, NODE_ENV: "development", WEBHOOK_SECRET: "hunter2" },
      {},
      /WEBHOOK_SECRET is only 7 characters long: use at least 16/,
    ],
    [
      "production with a 15-character secret",
      { ...GOOD, WEBHOOK_SECRET: "0123456789abcde" },
      {},
      /WEBHOOK_SECRET is only 15 characters long/,
    ],
    [
      "NODE_ENV unset with a good secret (no APP_ID check outside production)",
      { NODE_ENV: undefined, WEBHOOK_SECRET: GOOD["WEBHOOK_SECRET"], PRIVATE_KEY: GOOD["PRIVATE_KEY"] },
      {},
      undefined,
    ],
    [
      "production without WEBHOOK_SECRET",
      { ...GOOD, WEBHOOK_SECRET: undefined },
      {},
      /WEBHOOK_SECRET is not set/,
    ],
    [
      "production with an empty WEBHOOK_SECRET",
      { ...GOOD, WEBHOOK_SECRET: "" },
      {},
      /WEBHOOK_SECRET is not set/,
    ],
    [
      "production with Probot's default secret",
      { ...GOOD, WEBHOOK_SECRET: "development" },
      {},
      /WEBHOOK_SECRET is "development", Probot's publicly known default/,
    ],
    ["production without APP_ID", { ...GOOD, APP_ID: undefined }, {}, /APP_ID is not set/],
    [
      "production with a non-numeric APP_ID",
      { ...GOOD, APP_ID: "my-app" },
      {},
      /APP_ID is "my-app", not a number/,
    ],
    [
      "production without a private key",
      { ...GOOD, PRIVATE_KEY: undefined },
      {},
      /No private key: set PRIVATE_KEY .* or PRIVATE_KEY_PATH/,
    ],
    ["production with an empty private key", { ...GOOD, PRIVATE_KEY: "" }, {}, /No private key/],
    [
      "./.env sets the default secret over a good one",
      GOOD,
      { WEBHOOK_SECRET: "development" },
      /"development".*comes from \.\/\.env, whose values override the environment/s,
    ],
    ["./.env empties the secret", GOOD, { WEBHOOK_SECRET: "" }, /WEBHOOK_SECRET is not set.*\.\/\.env/s],
    [
      "./.env supplies the secret",
      { ...GOOD, WEBHOOK_SECRET: undefined },
      { WEBHOOK_SECRET: "from-dotenv-file" },
      undefined,
    ],
    [
      "./.env switches to production",
      { ...GOOD, NODE_ENV: undefined, WEBHOOK_SECRET: undefined },
      { NODE_ENV: "production" },
      /WEBHOOK_SECRET is not set/,
    ],
    [
      "./.env switches production off: the secret is still required",
      { ...GOOD, WEBHOOK_SECRET: undefined },
      { NODE_ENV: "development" },
      /refusing to serve webhooks \(NODE_ENV=development\):\n- WEBHOOK_SECRET is not set/,
    ],
    [
      "./.env switches production off: no APP_ID needed",
      { ...GOOD, APP_ID: undefined },
      { NODE_ENV: "development" },
      undefined,
    ],
  ])("%s", (_name, env, dotenv, expected) => {
    const problem = startupProblem(env, dotenv);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test("names every problem at once, one per line, under one heading", () => {
    const problem = startupProblem({ NODE_ENV: "production" });
    expect(problem?.split("\n")).toEqual([
      "gitops-image-bot: refusing to start in production (NODE_ENV=production):",
      expect.stringMatching(/^- WEBHOOK_SECRET is not set/),
      expect.stringMatching(/^- APP_ID is not set/),
      expect.stringMatching(/^- No private key/),
    ]);
  });

  test("the secret message says how to set it, without mentioning ./.env when it is not involved", () => {
    const problem = startupProblem({ ...GOOD, WEBHOOK_SECRET: undefined })!;
    expect(problem).toContain("Set WEBHOOK_SECRET to the webhook secret of your GitHub App registration");
    expect(problem).not.toContain(".env");
  });
});

// The entry point as `npm start` and the Docker image run it (npm test builds first).
const START = join(process.cwd(), "dist", "start.js");

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function startProcess(cwd: string, env: Env) {
  const child = spawn(process.execPath, [START], {
    cwd,
    env: { PATH: process.env["PATH"], ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  const output = () => stdout + stderr;
  return { child, exited, output };
}

describe("node dist/start.js", () => {
  let dir: string;
  beforeAll(() => {
    if (!existsSync(START))
      throw new Error(`${START} is missing: run \`npm run build\` first (npm test does).`);
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "start-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("refuses to start in production without WEBHOOK_SECRET: exit 1, the reason on stderr", async () => {
    const { exited } = startProcess(dir, {
      NODE_ENV: "production",
      APP_ID: GOOD["APP_ID"]!,
      PRIVATE_KEY: GOOD["PRIVATE_KEY"]!,
    });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("refusing to start in production");
    expect(exit.stderr).toContain("WEBHOOK_SECRET is not set");
    expect(exit.stderr).not.toContain("APP_ID");
    expect(exit.stdout).toBe("");
  });

  test("refuses when ./.env sets the secret to Probot's default, and says the value comes from ./.env", async () => {
    await writeFile(join(dir, ".env"), "WEBHOOK_SECRET=development\n");
    const { exited } = startProcess(dir, { ...GOOD } as Record<string, string>);
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain(`WEBHOOK_SECRET is "development"`);
    expect(exit.stderr).toContain("./.env, whose values override the environment");
  });

  test("refuses without NODE_ENV when the secret is Probot's default: exit 1, the reason on stderr", async () => {
    const { exited } = startProcess(dir, {
      WEBHOOK_SECRET: "development",
      APP_ID: GOOD["APP_ID"]!,
      PRIVATE_KEY: GOOD["PRIVATE_KEY"]!,
    });
    const exit = await exited;
    expect(exit.code).toBe(1);
    expect(exit.stderr).toContain("refusing to serve webhooks (NODE_ENV=unset)");
    expect(exit.stderr).toContain(`WEBHOOK_SECRET is "development"`);
  });

  test("starts in production with a secret, an app id and a key; /ping answers; SIGTERM stops it with 0", async () => {
    const port = await freePort();
    const { child, exited, output } = startProcess(dir, {
      NODE_ENV: "production",
      WEBHOOK_SECRET: GOOD["WEBHOOK_SECRET"]!,
      APP_ID: "4242",
      PRIVATE_KEY: throwawayKeyPair().privateKey,
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
    });
    try {
      // However long node takes to start on this machine: the test's budget bounds the wait.
      while (!output().includes(`Listening on http://127.0.0.1:${port}`)) {
        if (child.exitCode !== null) throw new Error(`did not start:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const ping = await fetch(`http://127.0.0.1:${port}/ping`);
      expect(await ping.text()).toBe("PONG");
      child.kill("SIGTERM");
      const exit = await exited;
      expect(exit).toMatchObject({ code: 0, signal: null });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  });
});
