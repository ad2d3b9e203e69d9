import { KEEP } from "../image-ref/index.js";
import { setImages } from "../rewrite/set-images.js";
import type { Change } from "../rewrite/rewrite-types.js";
import type { PlanSkip } from "./skip.js";
import type { Wanted } from "./wanted.js";

export type FilePlan =
  | {
      readonly ok: true;
      readonly text: string;
      readonly changed: boolean;
      readonly changes: readonly Change[];
      /** Wanted images the engine refused to write in this file (an alias, a block scalar ...). */
      readonly refused: readonly { readonly wanted: Wanted; readonly skip: PlanSkip }[];
    }
  | { readonly ok: false; readonly skip: PlanSkip };

/** The new text of one file with the accepted builds written: one `setImages` call, all or nothing per image. */
export function planFile(path: string, text: string, accepted: readonly Wanted[]): FilePlan {
  const result = setImages({
    path,
    text,
    updates: accepted.map((wanted) => ({
      name: wanted.image,
      newName: KEEP,
      newTag: wanted.tag,
      ...(wanted.digest === undefined ? {} : { digest: wanted.digest }),
    })),
  });
  if (!result.ok) {
    const { line, message, refusal } = result.error;
    if (refusal) return { ok: false, skip: refusal };
    return { ok: false, skip: { reason: "unparsable-file", line, message } };
  }
  const refused = result.skips.flatMap((skip) => {
    const wanted = accepted.find((candidate) => candidate.image === skip.image);
    if (wanted === undefined) return [];
    const line = "line" in skip ? skip.line : undefined;
    return [{ wanted, skip: { reason: "not-written" as const, line, message: skip.message } }];
  });
  return { ok: true, text: result.text, changed: result.changed, changes: result.changes, refused };
}
