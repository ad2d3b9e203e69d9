import { startBuildReceiver, type BuildReceiver } from "./build-receiver.js";

/**
 * Where the recipe and notify-build tests send their builds, and what checks them: the one place to
 * change to point the same tests at the real bot (its url and secrets, with `builds` and `pushes` read
 * from what it accepted). Today: the local receiver, which checks each request against the wire contract.
 */
export type BuildTarget = BuildReceiver;

export function startBuildTarget(): Promise<BuildTarget> {
  return startBuildReceiver();
}
