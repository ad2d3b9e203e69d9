import { parseArgs } from "node:util";
import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";
import { acceptedLines, refusedLine, serverReason } from "./build-answer-text.js";
import { buildBody, isHttpUrl, type NotifyBuildFlags } from "./notify-build-body.js";
import { sendBuild } from "./send-build.js";

export const SECRET_VARIABLE = "GITOPS_IMAGE_BOT_BUILD_SECRET";

export const NOTIFY_BUILD_USAGE = `Usage: gitops-image-bot notify-build --url URL --repository R --sha S --image I --tag T [options]

Sends a successful build to the bot's POST /api/builds, signed with HMAC-SHA256 of the body, for CI
systems that prefer a command to curl. The secret comes from the environment, never from a flag:
  ${SECRET_VARIABLE}   one of the bot's BUILDS_WEBHOOK_SECRET

Options:
  --url URL             the bot's base URL (https://gitops-image-bot.example.com)
  --repository R        the source repository: owner/name, or the whole path on another --host
  --sha S               the commit built (40 hex)
  --image I             the image pushed, without tag (harbor.example.com/shop/api)
  --tag T               the tag pushed
  --host H              the source repository's host when not GitHub (gitlab.example.com)
  --digest D            the image's digest (sha256:<64 hex>)
  --branch B            the branch built
  --default-branch B    the repository's default branch (default main)
  --build-number N      the CI's build number (digits)
  --build-url U         a link to the build
  --committed-at ISO    when the commit was made (2026-05-04T10:20:30Z)
  --timeout S           seconds to wait for each attempt (default 10)
  --retries N           further attempts after a network error or a 5xx, never after a 4xx (default 3)

Prints where the build was queued and what ignored it and why.
Exit codes: 0 accepted (202), 2 bad flags or no secret (nothing sent), 5 the bot refused the build (4xx),
6 the bot could not be reached or failed (network error, timeout, 5xx after the retries), 1 anything else.
`;

const FIELD_FLAGS = [
  "repository",
  "host",
  "sha",
  "image",
  "tag",
  "digest",
  "branch",
  "default-branch",
  "build-number",
  "build-url",
  "committed-at",
] as const;

export interface NotifyBuildDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

function fail(io: CliIo, message: string): number {
  io.stderr(`gitops-image-bot notify-build: ${message}\n`);
  return EXIT.badInput;
}

function count(value: string | undefined, fallback: number, max: number): number | undefined {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) return undefined;
  const number = Number(value);
  return number <= max ? number : undefined;
}

/** `gitops-image-bot notify-build`: signs and sends one build to the bot, prints its answer. */
export async function notifyBuildCommand(
  argv: readonly string[],
  io: CliIo,
  deps: NotifyBuildDeps = { env: process.env },
): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        url: { type: "string" },
        timeout: { type: "string" },
        retries: { type: "string" },
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(FIELD_FLAGS.map((flag) => [flag, { type: "string" as const }])),
      },
    }));
  } catch (error) {
    io.stderr(`gitops-image-bot notify-build: ${(error as Error).message}\n\n${NOTIFY_BUILD_USAGE}`);
    return EXIT.badInput;
  }
  if (values.help === true) {
    io.stdout(NOTIFY_BUILD_USAGE);
    return EXIT.ok;
  }
  const url = values.url as string | undefined;
  if (url === undefined || url === "")
    return fail(
      io,
      "--url is required. Fix: give the bot's base URL, e.g. https://gitops-image-bot.example.com; nothing was sent",
    );
  if (!isHttpUrl(url) || /[?#]/.test(url))
    return fail(
      io,
      `--url: "${url}" is not an http(s) base URL. Fix: give e.g. https://gitops-image-bot.example.com (the command adds /api/builds); nothing was sent`,
    );
  const timeout = count(values.timeout as string | undefined, 10, 300);
  if (timeout === undefined || timeout === 0)
    return fail(
      io,
      `--timeout: "${String(values.timeout)}" is not a number of seconds. Fix: give 1 to 300; nothing was sent`,
    );
  const retries = count(values.retries as string | undefined, 3, 10);
  if (retries === undefined)
    return fail(
      io,
      `--retries: "${String(values.retries)}" is not a count. Fix: give 0 to 10; nothing was sent`,
    );

  const built = buildBody(values as NotifyBuildFlags);
  if (!built.ok) return fail(io, `--${built.flag}: ${built.message}. Fix: ${built.fix}; nothing was sent`);
  const secret = deps.env[SECRET_VARIABLE] ?? "";
  if (secret.trim() === "")
    return fail(
      io,
      `${SECRET_VARIABLE} is not set. Fix: set it to one of the bot's BUILDS_WEBHOOK_SECRET (from your CI's secret store, never on the command line); nothing was sent`,
    );

  const endpoint = `${url.replace(/\/+$/, "")}/api/builds`;
  const outcome = await sendBuild({
    endpoint,
    body: JSON.stringify(built.body),
    secret: secret.trim(),
    timeoutMs: timeout * 1000,
    retries,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    ...(deps.sleep === undefined ? {} : { sleep: deps.sleep }),
    onRetry: (attempt, why, delayMs) =>
      io.stderr(
        `gitops-image-bot notify-build: ${why}; retry ${attempt} of ${retries} in ${delayMs / 1000} s\n`,
      ),
  });
  if (outcome.kind === "unreachable") {
    io.stderr(
      `gitops-image-bot notify-build: ${endpoint}: ${outcome.why}${serverReason(outcome.text)}; gave up after ${retries + 1} attempt${retries === 0 ? "" : "s"}\n`,
    );
    return EXIT.unreachable;
  }
  if (outcome.status === 202) {
    io.stdout(
      acceptedLines(outcome.text)
        .map((line) => `${line}\n`)
        .join(""),
    );
    return EXIT.ok;
  }
  if (outcome.status >= 400) {
    io.stderr(`gitops-image-bot notify-build: ${endpoint}: ${refusedLine(outcome.status, outcome.text)}\n`);
    return EXIT.refused;
  }
  io.stderr(
    `gitops-image-bot notify-build: ${endpoint}: unexpected answer ${outcome.status} (expected 202)\n`,
  );
  return EXIT.failure;
}
