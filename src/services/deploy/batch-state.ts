import { settleStateEdits } from "../../core/alerts/settle-state-edits.js";
import type { ConfigProblem } from "../../config/index.js";
import type { FileWrite } from "../../adapters/github/create-commit.js";
import type { Snapshot } from "../../adapters/github/read-snapshot.js";
import type { CommandJob } from "../../commands/command-job.js";
import { editState, parseState, STATE_PATH, type State, type StateEdit } from "../../state/state-file.js";

/** The holds and freezes a batch plans with, or why the state file stops it. */
export type BatchState =
  | {
      readonly ok: true;
      /** The state edits of the batch's commands (each a line of the commit message when written). */
      readonly edits: readonly StateEdit[];
      /** The edited state file, when the edits change it. */
      readonly write: FileWrite | undefined;
      /** The state the plan obeys: the edited one, so that a build racing a `/freeze` waits. */
      readonly stops: State;
    }
  | {
      readonly ok: false;
      readonly fileOid: string;
      readonly problem: ConfigProblem;
      readonly reason: string;
    };

/** The state file at the head with the batch's commands' edits applied (throws when the edit does not parse). */
export function batchState(snapshot: Snapshot, jobs: readonly CommandJob[]): BatchState {
  const stateFile = snapshot.files.get(STATE_PATH);
  const read = parseState(stateFile?.text);
  if (!read.ok)
    // Without its holds and freezes, nothing automatic may move: stop and say where to look.
    return {
      ok: false,
      fileOid: stateFile?.oid ?? "",
      problem: {
        file: STATE_PATH,
        line: read.line,
        column: 1,
        message: read.message,
        fix: "correct the entry, or delete it to lift that hold or freeze",
      },
      reason: `${STATE_PATH} is not valid (line ${read.line}: ${read.message}): correct or delete that entry`,
    };
  // The commands' holds and freezes count for this very batch: a build racing a /freeze waits.
  // Alerts' edits settle against the file as read: a person's freeze stays, a flapping alert coalesces.
  const edits = settleStateEdits(
    read.state,
    jobs.flatMap((job) => job.edits),
  );
  const text = edits.length > 0 ? editState(stateFile?.text, edits) : stateFile?.text;
  const write = text !== stateFile?.text ? { path: STATE_PATH, text: text ?? "" } : undefined;
  const stops = write ? parseState(write.text) : read;
  if (!stops.ok) throw new Error(`the edited ${STATE_PATH} does not parse: ${stops.message}`);
  return { ok: true, edits, write, stops: stops.state };
}
