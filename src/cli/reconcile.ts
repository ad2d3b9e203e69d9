import type { CliIo } from "./cli-io.js";
import { EXIT } from "./exit-codes.js";

export const RECONCILE_USAGE = `Usage: gitops-image-bot reconcile [--installation <id>]

Runs one reconciliation pass, as the app's scheduler does, and exits: for a Kubernetes CronJob or a
scheduled workflow. Every manifests repository of every installation (or of one) is compared with the
newest successful builds; what drifted is written through the usual pipeline, and the dashboard issue
is updated.

Environment: APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, and GHE_HOST/GHE_PROTOCOL for GitHub Enterprise
Server (as for the app).

Exit codes: 0 every pass finished; 1 a pass failed; 4 a pass ran out of its request budget (the next
one goes on where it stopped).
`;

/** `gitops-image-bot reconcile`: one pass over the app's installations, then a summary per repository. */
export async function reconcileCommand(
  args: readonly string[],
  io: CliIo,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout(RECONCILE_USAGE);
    return EXIT.ok;
  }
  let installation: number | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--installation" && /^[1-9][0-9]*$/.test(args[index + 1] ?? "")) {
      installation = Number(args[++index]);
      continue;
    }
    io.stderr(`unexpected argument "${arg ?? ""}"\n\n${RECONCILE_USAGE}`);
    return EXIT.badInput;
  }
  if (!env["APP_ID"] || !(env["PRIVATE_KEY"] || env["PRIVATE_KEY_PATH"])) {
    io.stderr(
      "APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) must be set: the pass authenticates as the GitHub App\n",
    );
    return EXIT.badInput;
  }
  // Loaded only now: `--help` and bad arguments need none of Probot.
  const [{ createProbot }, { createBot }, { appOctokit }] = await Promise.all([
    import("probot"),
    import("../app.js"),
    import("../adapters/github/app-octokit.js"),
  ]);
  const probot = createProbot({
    env: { ...env, LOG_LEVEL: (env["LOG_LEVEL"] ?? "warn") as "warn" },
    overrides: { Octokit: appOctokit() },
  });
  const bot = createBot({ scheduleTickMs: 0, warmUp: false });
  await probot.load(bot.appFn);
  const passes = await bot.reconcile(installation);
  await bot.idle();
  let code: number = EXIT.ok;
  for (const pass of passes) {
    if (pass.kind === "busy") continue;
    for (const result of pass.results) {
      const what =
        result.result === "failed"
          ? `failed: ${result.message ?? "see the log"}`
          : `${result.found} behind, ${result.repaired} repaired, ${result.stopped} held or frozen, ${result.requests} requests${result.message ? ` (${result.message})` : ""}`;
      (result.result === "failed" ? io.stderr : io.stdout)(`${result.repo}: ${what}\n`);
      if (result.result === "failed") code = EXIT.failure;
      else if (result.result === "incomplete" && code === EXIT.ok) code = EXIT.incomplete;
    }
  }
  return code;
}
