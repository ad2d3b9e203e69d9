import type { ConfigProblem } from "../config/index.js";
import { parseState, STATE_PATH } from "./state-file.js";

/** The fix for a broken entry of the holds and freezes file (the deployer says the same). */
export const STATE_FIX = "correct the entry, or delete it to lift that hold or freeze";

/** The holds and freezes file checked as the deployer reads it, its problem in the config's shape. */
export function stateProblems(text: string, file: string = STATE_PATH): ConfigProblem[] {
  const state = parseState(text);
  if (state.ok) return [];
  return [{ file, line: state.line, column: state.column, message: state.message, fix: STATE_FIX }];
}
