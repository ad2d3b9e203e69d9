import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "node:util";
import { run } from "probot";

/** Environment variables by name, as `process.env` or a parsed `.env` file holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

const REFUSAL = "gitops-image-bot: refusing to start in production (NODE_ENV=production):";

/**
 * Why the app must not start, one problem per line, or undefined when it may. `env` is the process
 * environment and `dotenv` the values of `./.env`, which Probot's `run()` copies over the environment, so a
 * value from `.env` wins. Only production is checked: elsewhere a missing APP_ID starts Probot's
 * registration flow and a missing secret is tolerable.
 */
export function startupProblem(env: Env, dotenv: Env = {}): string | undefined {
  const value = (name: string): string | undefined => dotenv[name] ?? env[name];
  const fromDotenv = (name: string): string =>
    name in dotenv
      ? ` The value comes from ./.env, whose values override the environment: fix or remove it there.`
      : "";
  if (value("NODE_ENV") !== "production") return undefined;

  const problems: string[] = [];
  const secret = value("WEBHOOK_SECRET");
  if (secret === undefined || secret === "" || secret === "development") {
    const what =
      secret === "development"
        ? `is "development", Probot's publicly known default`
        : `is not set, so Probot would fall back to its publicly known default "development"`;
    problems.push(
      `WEBHOOK_SECRET ${what}: anyone could forge webhooks that pass the signature check. ` +
        `Set WEBHOOK_SECRET to the webhook secret of your GitHub App registration ` +
        `(e.g. docker run -e WEBHOOK_SECRET=..., or a Kubernetes Secret).` +
        fromDotenv("WEBHOOK_SECRET"),
    );
  }
  const appId = value("APP_ID");
  if (appId === undefined || !/^[1-9][0-9]*$/.test(appId)) {
    const what = appId === undefined || appId === "" ? "is not set" : `is "${appId}", not a number`;
    problems.push(
      `APP_ID ${what}. Set it to the numeric App ID shown on your GitHub App's settings page.` +
        fromDotenv("APP_ID"),
    );
  }
  if (!value("PRIVATE_KEY") && !value("PRIVATE_KEY_PATH")) {
    problems.push(
      `No private key: set PRIVATE_KEY (the PEM text, or its base64) or PRIVATE_KEY_PATH (the path of the .pem file) ` +
        `to a private key generated on your GitHub App's settings page.` +
        (fromDotenv("PRIVATE_KEY") || fromDotenv("PRIVATE_KEY_PATH")),
    );
  }
  return problems.length === 0
    ? undefined
    : [REFUSAL, ...problems.map((problem) => `- ${problem}`)].join("\n");
}

/** The values of `./.env` as Probot's `run()` will read them; empty when there is no such file. */
function readDotenv(cwd: string): Env {
  try {
    return parseEnv(readFileSync(join(cwd, ".env"), "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`gitops-image-bot: cannot read ${join(cwd, ".env")}`, { cause: error });
  }
}

async function main(): Promise<void> {
  const problem = startupProblem(process.env, readDotenv(process.cwd()));
  if (problem) {
    process.stderr.write(`${problem}\n`);
    process.exitCode = 1;
    return;
  }
  // Loaded only now: a refusal needs none of the app, and importing this module (tests) loads none of it.
  const [{ gitopsImageBot }, { redactedLog }] = await Promise.all([
    import("./app.js"),
    import("./http/redacted-log.js"),
  ]);
  const log = await redactedLog({ ...process.env, ...readDotenv(process.cwd()) });
  const server = await run(gitopsImageBot, { log });
  // `docker stop` and Kubernetes send SIGTERM; as PID 1 without a handler, node would ignore it until SIGKILL.
  process.once("SIGTERM", () => {
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("gitops-image-bot: error while stopping the server", error);
        process.exit(1);
      },
    );
  });
}

function isEntryPoint(): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(entry)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main().catch((error: unknown) => {
    console.error("gitops-image-bot: failed to start:", error);
    process.exit(1);
  });
}
