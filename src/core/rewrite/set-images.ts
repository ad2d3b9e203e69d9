import type { ImageUpdate } from "../image-ref/index.js";
import type { FileFormat } from "../formats/index.js";
import { detectFormat, UNKNOWN_FORMAT } from "./detect-format.js";
import { findConflict } from "./find-conflict.js";
import type { Change, FormatName, Skip } from "./rewrite-types.js";
import { applyEdits } from "./text-edit.js";
import { verifyRewrite } from "./verify-rewrite.js";
import { parseYamlFile, type YamlFile } from "./yaml-file.js";
import type { FileRefusal } from "./file-limits.js";

export interface SetImagesInput {
  /** The file's path: used to detect the format (kustomization.yaml) and in messages. */
  readonly path: string;
  readonly text: string;
  readonly updates: readonly ImageUpdate[];
  /** Skip detection and treat the file as this format. */
  readonly format?: FormatName;
}

export interface RewriteError {
  readonly reason: "invalid-yaml" | "unknown-format" | "conflicting-updates" | FileRefusal["reason"];
  readonly message: string;
  readonly line: number;
  readonly column: number;
  /** A file refused before it was read (too large, too many aliases), with the numbers. */
  readonly refusal?: FileRefusal;
}

export type SetImagesResult =
  | {
      readonly ok: true;
      readonly format: FormatName;
      /** The new text; the very same string as the input when nothing changed. */
      readonly text: string;
      readonly changed: boolean;
      readonly changes: readonly Change[];
      readonly skips: readonly Skip[];
    }
  | { readonly ok: false; readonly error: RewriteError };

type Attempt =
  | { kind: "done"; text: string; changes: readonly Change[]; skips: readonly Skip[] }
  | { kind: "unverified"; problem: string; changes: readonly Change[] }
  | { kind: "conflict"; error: RewriteError };

/** As with `kustomize edit set image`, a later update for the same name wins. */
function lastPerName(updates: readonly ImageUpdate[]): ImageUpdate[] {
  return [...new Map(updates.map((update) => [update.name, update])).values()];
}

function attempt(file: YamlFile, format: FileFormat, updates: readonly ImageUpdate[]): Attempt {
  const plan = format.plan(file, updates);
  if (plan.edits.length === 0)
    return { kind: "done", text: file.text, changes: plan.changes, skips: plan.skips };
  const conflict = findConflict(plan.changes);
  if (conflict !== undefined) {
    const { first, second } = conflict;
    const message = `${first.image} and ${second.image} both set ${first.path.join(".")}: give each image once`;
    return {
      kind: "conflict",
      error: { reason: "conflicting-updates", message, line: first.line, column: 1 },
    };
  }
  const text = applyEdits(file.text, plan.edits);
  const problem = verifyRewrite(file, text, plan.edits, plan.changes);
  if (problem !== undefined) return { kind: "unverified", problem, changes: plan.changes };
  return { kind: "done", text, changes: plan.changes, skips: plan.skips };
}

function unverifiedSkip(update: ImageUpdate, outcome: Extract<Attempt, { kind: "unverified" }>): Skip {
  const line = outcome.changes.find((change) => change.image === update.name)?.line ?? 1;
  const message = `${update.name}: refusing to write: ${outcome.problem}`;
  return { reason: "verification-failed", image: update.name, line, message };
}

/**
 * Makes a YAML file refer to the requested images with the smallest text edit, then re-parses the
 * result to verify that exactly the planned values changed. An image whose edit cannot be verified is
 * skipped and the others are still written. Pure: no I/O.
 */
export function setImages(input: SetImagesInput): SetImagesResult {
  const parsed = parseYamlFile(input.path, input.text);
  if (!parsed.ok) {
    const { message, position, refusal } = parsed;
    if (refusal) return { ok: false, error: { reason: refusal.reason, message, ...position, refusal } };
    return { ok: false, error: { reason: "invalid-yaml", message, ...position } };
  }
  const { file } = parsed;
  const format = detectFormat(file, input.format);
  if (format === undefined) {
    return { ok: false, error: { reason: "unknown-format", message: UNKNOWN_FORMAT, line: 1, column: 1 } };
  }
  const updates = lastPerName(input.updates);
  let outcome = attempt(file, format, updates);
  const refused: Skip[] = [];
  if (outcome.kind === "unverified") {
    // Find the images whose edit cannot be verified on its own; write the others.
    const safe: ImageUpdate[] = [];
    for (const update of updates) {
      const alone = attempt(file, format, [update]);
      if (alone.kind === "unverified") refused.push(unverifiedSkip(update, alone));
      else safe.push(update);
    }
    outcome = attempt(file, format, safe);
    if (outcome.kind === "unverified") {
      const failed = outcome;
      refused.push(...safe.map((update) => unverifiedSkip(update, failed)));
      outcome = { kind: "done", text: file.text, changes: [], skips: [] };
    }
  }
  if (outcome.kind === "conflict") return { ok: false, error: outcome.error };
  const { text, changes, skips } = outcome;
  return {
    ok: true,
    format: format.name,
    text,
    changed: text !== input.text,
    changes,
    skips: [...skips, ...refused],
  };
}
