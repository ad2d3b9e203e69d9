import type { TextEdit } from "./text-edit.js";

export type FormatName = "kustomization" | "helm-values" | "manifests";

/** Where a value sits inside one YAML document, as keys and list indexes. */
export type ValuePath = readonly (string | number)[];

/** One value written (or removed, when `to` is undefined) in the file. */
export interface Change {
  /** The image this change is for, as named in the request. */
  readonly image: string;
  /** The key written: `newTag`, `digest`, `tag`, `repository`, `image` ... */
  readonly field: string;
  readonly docIndex: number;
  readonly path: ValuePath;
  readonly from?: string;
  readonly to?: string;
  /** 1-based line of the value in the original file (where it is added, for a new value). */
  readonly line: number;
}

/** A requested image that was not written, as data (rendered by the CLI, logs, PR bodies ...). */
export type Skip =
  | { readonly reason: "not-referenced"; readonly image: string; readonly message: string }
  | LocatedSkip<"digest-not-supported">
  | LocatedSkip<"unsupported-yaml">
  | LocatedSkip<"verification-failed">;

/** A skip tied to a line of the file. */
export interface LocatedSkip<Reason extends string> {
  readonly reason: Reason;
  readonly image: string;
  readonly line: number;
  readonly message: string;
}

export interface FormatPlan {
  readonly edits: readonly TextEdit[];
  readonly changes: readonly Change[];
  readonly skips: readonly Skip[];
}
