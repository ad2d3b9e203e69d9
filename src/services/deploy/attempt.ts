import type { Config } from "../../config/index.js";
import type { CommandResult } from "../../commands/command-job.js";
import type { Landing } from "../../core/plan/landing.js";
import { freezeOf, type Freeze, type State } from "../../state/state-file.js";
import type { CommandItem } from "../deployer.js";
import type { Reported } from "../reporter.js";
import type { Wanted } from "../../core/plan/wanted.js";
import type { UnreadFiles } from "./batch-files.js";

/** What one attempt at a batch came to. */
export type Attempt =
  | {
      kind: "done";
      reported: Reported[];
      config: Config;
      stateLanding: Landing | undefined;
      /** The environments frozen when the batch was planned (a person's change went through anyway). */
      frozen: ReadonlyMap<string, Freeze>;
      /** Planned on a first pass: what it asked for, and the files left for the index to read. */
      firstPass?: { wanted: readonly Wanted[]; unread: UnreadFiles } | undefined;
    }
  /** The branch moved under the commit: read and plan again. */
  | { kind: "stale" }
  /** Nothing may be deployed (no config, an invalid config or state file): said once, not retried. */
  | { kind: "stopped"; reason: string };

/** The environments frozen at `now`, by name. */
export function frozenEnvironments(config: Config, state: State, now: number): Map<string, Freeze> {
  return new Map(
    Object.keys(config.environments).flatMap((environment) => {
      const freeze = freezeOf(state, environment, now);
      return freeze ? [[environment, freeze] as const] : [];
    }),
  );
}

/**
 * What is reported on the source commits. A person's command is answered in its comment, not with
 * statuses on the source commit; a reconciliation pass reports what it wrote, and shows what it did
 * not on the dashboard (it would say the same again every pass).
 */
export function onSourceCommits(reported: readonly Reported[]): Reported[] {
  return reported.filter(
    ({ outcome }) =>
      !outcome.wanted.explicit &&
      (outcome.wanted.build.trigger !== "reconcile" || outcome.kind === "written"),
  );
}

/** A command's answer from the batch that carried it: its state edits, the freezes it went through, its outcomes. */
export function commandDone(item: CommandItem, attempt: Extract<Attempt, { kind: "done" }>): CommandResult {
  const mine = new Set(item.job.wanted);
  return {
    kind: "done",
    stateLanding: item.job.edits.length > 0 ? attempt.stateLanding : undefined,
    frozen: [...new Set(item.job.wanted.flatMap((wanted) => wanted.explicit?.environments ?? []))].flatMap(
      (environment) => {
        const freeze = attempt.frozen.get(environment);
        return freeze ? [{ environment, ...freeze }] : [];
      },
    ),
    reported: attempt.reported.filter(({ outcome }) => mine.has(outcome.wanted)),
  };
}
