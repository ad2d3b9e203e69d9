import { readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseEnv } from "node:util";
import { run } from "probot";
import { weakSecretReason } from "./http/webhook-secret.js";

/** Environment variables by name, as `process.env` or a parsed `.env` file holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Why the app must not start, one problem per line, or undefined when it may. `env` is the process
 * environment and `dotenv` the values of `./.env`, which Probot's `run()` copies over the environment, so a
 * value from `.env` wins. The webhook secret is checked whatever NODE_ENV says: with a missing, empty,
 * default ("development") or short secret anyone could forge webhooks. The one exception is Probot's
 * registration flow (outside production, neither APP_ID nor a private key): Probot then runs only its
 * setup pages, never the app, and writes the new app's secret into ./.env. APP_ID and the key are checked
 * in production only.
 */
export function startupProblem(env: Env, dotenv: Env = {}): string | undefined {
  const value = (name: string): string | undefined => dotenv[name] ?? env[name];
  const fromDotenv = (name: string): string =>
    name in dotenv
      ? ` The value comes from ./.env, whose values override the environment: fix or remove it there.`
      : "";
  const nodeEnv = value("NODE_ENV");
  const production = nodeEnv === "production";
  const hasKey = Boolean(value("PRIVATE_KEY") || value("PRIVATE_KEY_PATH"));
  if (!production && !value("APP_ID") && !hasKey) return undefined;

  const problems: string[] = [];
  const weak = weakSecretReason(value("WEBHOOK_SECRET"));
  if (weak !== undefined) {
    problems.push(
      `WEBHOOK_SECRET ${weak}: anyone could forge webhooks that pass the signature check. ` +
        `Set WEBHOOK_SECRET to the webhook secret of your GitHub App registration ` +
        `(e.g. docker run -e WEBHOOK_SECRET=..., or a Kubernetes Secret; make one with \`openssl rand -hex 32\`).` +
        fromDotenv("WEBHOOK_SECRET"),
    );
  }
  if (production) problems.push(...credentialProblems(value, fromDotenv, hasKey));
  if (problems.length === 0) return undefined;
  const heading = production
    ? "gitops-image-bot: refusing to start in production (NODE_ENV=production):"
    : `gitops-image-bot: refusing to serve webhooks (NODE_ENV=${nodeEnv ?? "unset"}):`;
  return [heading, ...problems.map((problem) => `- ${problem}`)].join("\n");
}

/** What is wrong with APP_ID and the private key (production needs both). */
function credentialProblems(
  value: (name: string) => string | undefined,
  fromDotenv: (name: string) => string,
  hasKey: boolean,
): string[] {
  const problems: string[] = [];
  const appId = value("APP_ID");
  if (appId === undefined || !/^[1-9][0-9]*$/.test(appId)) {
    const what = appId === undefined || appId === "" ? "is not set" : `is "${appId}", not a number`;
    problems.push(
      `APP_ID ${what}. Set it to the numeric App ID shown on your GitHub App's settings page.` +
        fromDotenv("APP_ID"),
    );
  }
  if (!hasKey) {
    problems.push(
      `No private key: set PRIVATE_KEY (the PEM text, or its base64) or PRIVATE_KEY_PATH (the path of the .pem file) ` +
        `to a private key generated on your GitHub App's settings page.` +
        (fromDotenv("PRIVATE_KEY") || fromDotenv("PRIVATE_KEY_PATH")),
    );
  }
  return problems;
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
  const [
    { defaultBot },
    { redactedLog },
    { appOctokit },
    { shutDown, graceMsFrom },
    { replicaIdFrom },
    { writeSpacingFor },
  ] = await Promise.all([
    import("./app.js"),
    import("./http/redacted-log.js"),
    import("./adapters/github/app-octokit.js"),
    import("./runtime/shutdown.js"),
    import("./runtime/fleet.js"),
    import("./runtime/write-spacing-for.js"),
  ]);
  // The replica id as the app computed it (from the environment, before Probot reads ./.env).
  const log = await redactedLog(
    { ...process.env, ...readDotenv(process.cwd()) },
    undefined,
    replicaIdFrom(process.env),
  );
  // Writes spaced a second apart (across the fleet with REDIS_URL), reads (GraphQL queries included) not:
  // see app-octokit.ts.
  const server = await run(defaultBot.appFn, { log, Octokit: appOctokit(writeSpacingFor(process.env)) });
  // `docker stop` and Kubernetes send SIGTERM; as PID 1 without a handler, node would ignore it until SIGKILL.
  process.once("SIGTERM", () => {
    shutDown({ server, bot: defaultBot, log }, graceMsFrom(process.env)).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("gitops-image-bot: error while stopping", error);
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
