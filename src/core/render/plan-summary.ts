import type { BatchPlan } from "../plan/plan-batch.js";
import { shortSha } from "./short-sha.js";

/** At most this many entries per list in one log line: a mass rebuild must not make a megabyte line. */
const MAX_ENTRIES = 50;

export interface PlanSummary {
  /** `<env> <image>:<tag> -> commit|pull request`, one per (environment, image) written. */
  readonly writes: readonly string[];
  /** `<env> <image>@<sha>: <reason>`, one per (environment, build) skipped. */
  readonly skips: readonly string[];
  /** How many entries each list left out. */
  readonly more: { readonly writes: number; readonly skips: number };
}

/** What a batch will write and skip, for the one info line a batch logs before it writes. */
export function planSummary(plan: BatchPlan): PlanSummary {
  const viaPull = new Set(plan.pullRequests.map((change) => `${change.environment}\u0000${change.image}`));
  const writes = [
    ...new Set(
      plan.outcomes.flatMap((outcome) =>
        outcome.kind === "written"
          ? [
              `${outcome.environment} ${outcome.wanted.image}:${outcome.wanted.tag} -> ${
                viaPull.has(`${outcome.environment}\u0000${outcome.wanted.image}`) ? "pull request" : "commit"
              }`,
            ]
          : [],
      ),
    ),
  ];
  const skips = [
    ...new Set(
      plan.outcomes.flatMap((outcome) =>
        outcome.kind === "skipped"
          ? [
              `${outcome.environment} ${outcome.wanted.image}@${shortSha(outcome.wanted.build.sha)}: ${outcome.skip.reason}`,
            ]
          : [],
      ),
    ),
  ];
  return {
    writes: writes.slice(0, MAX_ENTRIES),
    skips: skips.slice(0, MAX_ENTRIES),
    more: {
      writes: Math.max(0, writes.length - MAX_ENTRIES),
      skips: Math.max(0, skips.length - MAX_ENTRIES),
    },
  };
}
