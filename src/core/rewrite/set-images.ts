import type { ImageUpdate } from "../image-ref/index.js";
import type { Change, FormatName, Skip } from "./rewrite-types.js";
import { detectFormat, UNKNOWN_FORMAT } from "./detect-format.js";
import { applyEdits } from "./text-edit.js";
import { verifyRewrite } from "./verify-rewrite.js";
import { parseYamlFile } from "./yaml-file.js";

export interface SetImagesInput {
  /** The file's path: used to detect the format (kustomization.yaml) and in messages. */
  readonly path: string;
  readonly text: string;
  readonly updates: readonly ImageUpdate[];
  /** Skip detection and treat the file as this format. */
  readonly format?: FormatName;
}

export interface RewriteError {
  readonly reason: "invalid-yaml" | "unknown-format" | "verification-failed";
  readonly message: string;
  readonly line: number;
  readonly column: number;
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

/** As with `kustomize edit set image`, a later update for the same name wins. */
function lastPerName(updates: readonly ImageUpdate[]): ImageUpdate[] {
  return [...new Map(updates.map((update) => [update.name, update])).values()];
}

/**
 * Makes a YAML file refer to the requested images with the smallest text edit, then re-parses the
 * result to verify that exactly the planned values changed. Pure: no I/O.
 */
export function setImages(input: SetImagesInput): SetImagesResult {
  const parsed = parseYamlFile(input.path, input.text);
  if (!parsed.ok) {
    return { ok: false, error: { reason: "invalid-yaml", message: parsed.message, ...parsed.position } };
  }
  const { file } = parsed;
  const format = detectFormat(file, input.format);
  if (format === undefined) {
    return { ok: false, error: { reason: "unknown-format", message: UNKNOWN_FORMAT, line: 1, column: 1 } };
  }
  const plan = format.plan(file, lastPerName(input.updates));
  const unchanged = { ok: true, format: format.name, changes: plan.changes, skips: plan.skips } as const;
  if (plan.edits.length === 0) return { ...unchanged, text: input.text, changed: false };

  const text = applyEdits(input.text, plan.edits);
  const problem = verifyRewrite(file, text, plan.changes);
  if (problem !== undefined) {
    const line = plan.changes[0]?.line ?? 1;
    const message = `refusing to write: ${problem}`;
    return { ok: false, error: { reason: "verification-failed", message, line, column: 1 } };
  }
  return { ...unchanged, text, changed: text !== input.text };
}
