import { startBotTarget, type BotTarget } from "./bot-target.js";

/**
 * Where the recipe tests send their builds, and what checks them: the real bot behind a recording
 * proxy (test/helpers/bot-target.ts), with `builds` and `pushes` read from what it accepted and the
 * manifests repository to read the outcome from. (test/cli/notify-build.test.ts keeps the stand-in
 * receiver, test/helpers/build-receiver.ts, whose failures on purpose test the command's retries.)
 */
export type BuildTarget = BotTarget;

export function startBuildTarget(): Promise<BuildTarget> {
  return startBotTarget();
}
