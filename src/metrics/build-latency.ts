import type { Build } from "../core/plan/build.js";
import type { Landing } from "../core/plan/landing.js";
import type { Outcome } from "../core/plan/outcome.js";
import { Lru } from "../services/lru.js";

/** Triggers whose build arrived from outside (a webhook or a CI's call): their latency is the app's own. */
export type ArrivedTrigger = Extract<Build["trigger"], "workflow_run" | "package" | "build" | "registry">;

export const ARRIVED_TRIGGERS: readonly ArrivedTrigger[] = ["workflow_run", "package", "build", "registry"];

/** Where a build landed on the deployed branch: a commit, or a pull request the app merged at once. */
export type LatencyLanding = "commit" | "pull-request";

/** What the histogram is told: `Metrics.buildLanded`. */
export type BuildLanded = (trigger: ArrivedTrigger, landing: LatencyLanding, seconds: number) => void;

function arrived(build: Build): build is Build & { trigger: ArrivedTrigger } {
  return (ARRIVED_TRIGGERS as readonly string[]).includes(build.trigger);
}

/**
 * Build-to-commit latency: from when the app received the build (`Build.receivedAt`, the webhook's or
 * the CI call's arrival, on the app's clock) to when a change carrying it reached the deployed branch.
 * Builds a reconciliation pass or a command made are not counted (no one waited on them). The deployer
 * tells of commits on the branch (`onCommit`, once per build it carried) and of pull requests (`onOutcomes`:
 * counted when the app merged the pull request at once, once per build; a pull request left for a review
 * is a person's latency, not the app's). A build is counted once per landing kind, however many commits
 * carry it (a follow-up for files found later lands it again).
 */
export function buildLatency(
  landed: BuildLanded,
  now: () => number,
): {
  onCommit(event: { readonly builds: readonly Build[] }): void;
  onOutcomes(
    reported: ReadonlyArray<{ readonly outcome: Outcome; readonly landing: Landing | undefined }>,
  ): void;
} {
  const seen = new Lru<string, true>(10_000);
  const observe = (builds: Iterable<Build>, landing: LatencyLanding): void => {
    const at = now();
    for (const build of builds) {
      const key = `${landing}:${build.id}`;
      if (!arrived(build) || seen.has(key)) continue;
      seen.set(key, true);
      landed(build.trigger, landing, (at - build.receivedAt) / 1000);
    }
  };
  return {
    onCommit: (event) => observe(new Set(event.builds), "commit"),
    onOutcomes: (reported) => {
      const merged = new Set<Build>();
      for (const { outcome, landing } of reported)
        if (outcome.kind === "written" && landing?.kind === "pull-request" && landing.merged === true)
          merged.add(outcome.wanted.build);
      observe(merged, "pull-request");
    },
  };
}
