import { execFile } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { refusedLine } from "../../src/cli/build-answer-text.js";
import { startBuildReceiver, type BuildReceiver } from "../helpers/build-receiver.js";

// The bin as `npm ci` leaves it (npm test builds first), run as a CI runs it, against a target over real HTTP.
const BIN = join(process.cwd(), "dist", "cli.js");
const SHA = "3f2c1a9e0b7d4c6a8e5f1b2d3c4a5e6f7a8b9c0d";

let target: BuildReceiver;
beforeEach(async () => {
  target = await startBuildReceiver();
});
afterEach(async () => {
  await target.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function notify(args: string[], secret: string | null = target.secrets.builds): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH };
  if (secret !== null) env.GITOPS_IMAGE_BOT_BUILD_SECRET = secret;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, "notify-build", ...args], { env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const required = () => [
  "--url",
  `${target.url}/`,
  "--repository",
  "acme/api",
  "--sha",
  SHA,
  "--image",
  "harbor.example.com/shop/api",
  "--tag",
  `42-${SHA.slice(0, 7)}`,
];

describe("gitops-image-bot notify-build", () => {
  test("signs and sends exactly the contract's fields, prints where it was queued and what ignored it", async () => {
    const result = await notify([
      ...required(),
      "--host",
      "GitLab.example.com",
      "--branch",
      "main",
      "--default-branch",
      "trunk",
      "--build-number",
      "42",
      "--build-url",
      "https://jenkins.example.com/job/api/42/",
      "--digest",
      `sha256:${"a".repeat(64)}`,
      "--committed-at",
      "2026-05-04T10:20:30+02:00",
    ]);
    expect(result).toEqual({
      code: 0,
      stdout:
        `queued for acme/manifests: harbor.example.com/shop/api:42-3f2c1a9\n` +
        "ignored by acme/other-manifests: no source of this repository allows it.\n",
      stderr: "",
    });
    expect(target.requests.map((one) => one.path)).toEqual(["/api/builds"]);
    expect(target.builds).toEqual([
      {
        repository: "acme/api",
        host: "gitlab.example.com",
        sha: SHA,
        image: "harbor.example.com/shop/api",
        tag: "42-3f2c1a9",
        digest: `sha256:${"a".repeat(64)}`,
        branch: "main",
        defaultBranch: "trunk",
        buildNumber: 42,
        url: "https://jenkins.example.com/job/api/42/",
        committedAt: "2026-05-04T10:20:30+02:00",
      },
    ]);
    expect(target.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  test("the required flags alone make the smallest body", async () => {
    expect((await notify(required())).code).toBe(0);
    expect(target.builds).toEqual([
      { repository: "acme/api", sha: SHA, image: "harbor.example.com/shop/api", tag: "42-3f2c1a9" },
    ]);
  });

  test("no secret in the environment: exit 2 with the fix, nothing sent", async () => {
    const result = await notify(required(), null);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "gitops-image-bot notify-build: GITOPS_IMAGE_BOT_BUILD_SECRET is not set. Fix: set it to one of the bot's BUILDS_WEBHOOK_SECRET (from your CI's secret store, never on the command line); nothing was sent\n",
    );
    expect(target.requests).toEqual([]);
  });

  test.each([
    [["--sha", "3f2c1a9"], '--sha: "3f2c1a9" is not a full commit SHA. Fix: give the 40 hex characters'],
    [["--tag", "bad!"], '--tag: "bad!" is not a valid tag'],
    [["--image", "Harbor/API"], "--image: "],
    [["--build-number", "#42"], '--build-number: "#42" is not a build number'],
    [["--build-url", "ftp://x"], '--build-url: "ftp://x" is not an http(s) URL'],
    [["--host", "https://gitlab.example.com"], '--host: "https://gitlab.example.com" is not a host name'],
    [["--digest", "sha256:abc"], '--digest: "sha256:abc" is not a digest'],
    [["--committed-at", "yesterday"], '--committed-at: "yesterday" is not an ISO 8601 date-time'],
    [["--branch", "refs/heads/a..b"], '--branch: "refs/heads/a..b" is not a branch name'],
    [["--url", "bot.example.com"], '--url: "bot.example.com" is not an http(s) base URL'],
    [["--secret", "x"], "Unknown option '--secret'"],
  ])("flags %j are refused before anything is sent (exit 2)", async (flags, message) => {
    const args = required();
    for (let index = 0; index < flags.length; index += 2) {
      const at = args.indexOf(flags[index]!);
      if (at >= 0) args[at + 1] = flags[index + 1]!;
      else args.push(flags[index]!, flags[index + 1]!);
    }
    const result = await notify(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.startsWith("gitops-image-bot notify-build: ")).toBe(true);
    expect(target.requests).toEqual([]);
  });

  test("a missing required flag names it", async () => {
    const result = await notify(required().slice(0, -2));
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "gitops-image-bot notify-build: --tag: is required. Fix: give --tag; nothing was sent\n",
    );
  });

  test("a wrong secret: the bot's 401 is a refusal (exit 5), not retried", async () => {
    const result = await notify(required(), "not-the-bot-secret-at-all");
    expect(result.code).toBe(5);
    expect(result.stderr).toContain("the bot refused the signature (401)");
    expect(target.requests).toHaveLength(1);
    expect(target.builds).toEqual([]);
  });

  test("5xx answers are retried and the build gets through", async () => {
    target.failNext(2, 503);
    const result = await notify(required());
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("the bot answered 503; retry 1 of 3 in 1 s");
    expect(target.requests.map((one) => one.status)).toEqual([503, 503, 202]);
    expect(target.builds).toHaveLength(1);
  });

  test("5xx on every attempt: exit 6 after the bounded retries, with the bot's reason", async () => {
    target.failNext(5, 500);
    const result = await notify([...required(), "--retries", "1"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(
      "the bot answered 500: failing on purpose (500); gave up after 2 attempts",
    );
    expect(target.requests).toHaveLength(2);
  });

  test("no answer within --timeout: exit 6", async () => {
    target.failNext(1, "hang");
    const result = await notify([...required(), "--timeout", "1", "--retries", "0"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain("no answer within 1 s; gave up after 1 attempt\n");
  });

  test("nothing listening: exit 6", async () => {
    const port = await freePort();
    const args = required();
    args[1] = `http://127.0.0.1:${port}`;
    const result = await notify([...args, "--retries", "0"]);
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`http://127.0.0.1:${port}/api/builds: cannot connect (ECONNREFUSED)`);
  });

  test("--help prints the usage; the command list names notify-build", async () => {
    const help = await notify(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: gitops-image-bot notify-build --url URL");
    const all = await new Promise<string>((resolve) =>
      execFile(process.execPath, [BIN, "--help"], (_error, stdout) => resolve(stdout)),
    );
    expect(all).toContain("notify-build --url U ...");
  });
});

describe("refusedLine", () => {
  test("a 400 names the field and the fix, with control characters removed", () => {
    const body = JSON.stringify({
      error: "sha is not 40 hex\u001b[31m",
      field: "sha",
      fix: "send the full SHA",
    });
    expect(refusedLine(400, body)).toBe(
      "the bot refused the build (400): sha is not 40 hex [31m (field sha). Fix: send the full SHA",
    );
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
