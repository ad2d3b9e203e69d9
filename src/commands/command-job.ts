import type { Wanted } from "../core/plan/wanted.js";
import type { Reported, Landing } from "../services/reporter.js";
import type { Freeze, StateEdit } from "../state/state-file.js";

/**
 * A command, resolved against one manifests repository, as the deploy queue runs it: edits to the
 * state file (holds, freezes) and builds to write, both planned and written with the batch it joins,
 * so a command and a build racing for the same file cannot lose either change.
 */
export interface CommandJob {
  /** Unique per command: the comment's id and the command's line. */
  readonly id: string;
  /** The GitHub login that asked. */
  readonly by: string;
  readonly edits: readonly StateEdit[];
  /** Changes a person asked for: each has `explicit` set. */
  readonly wanted: readonly Wanted[];
}

/** What became of a command job, for the reply. */
export type CommandResult =
  | {
      readonly kind: "done";
      /** Where the state file's edits landed (undefined: none, or they changed nothing). */
      readonly stateLanding: Landing | undefined;
      /** What became of each wanted build in each environment. */
      readonly reported: readonly Reported[];
      /** The environments it changed that are frozen: a person's change goes through, and the reply says so. */
      readonly frozen: readonly (Freeze & { readonly environment: string })[];
    }
  /** Nothing was done: no or invalid configuration or state file, or GitHub kept failing. */
  | { readonly kind: "failed"; readonly message: string };
