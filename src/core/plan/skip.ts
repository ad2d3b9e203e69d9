import type { FileRefusal } from "../rewrite/file-limits.js";

/** Why a build did not reach a file or an environment: data, rendered into logs, statuses and PR bodies. */
export type PlanSkip =
  | { readonly reason: "older-than-deployed"; readonly deployedSha: string }
  | { readonly reason: "diverged-from-deployed"; readonly deployedSha: string }
  | { readonly reason: "already-deployed" }
  | { readonly reason: "superseded"; readonly by: string }
  | { readonly reason: "branch-not-allowed"; readonly branch: string | undefined }
  | { readonly reason: "unparsable-file"; readonly line: number; readonly message: string }
  | { readonly reason: "not-written"; readonly line: number | undefined; readonly message: string }
  /** The file was refused unread (over the size limit, or aliases that expand too far), with the numbers. */
  | FileRefusal
  | {
      readonly reason: "frozen";
      readonly by: string;
      readonly until: string | undefined;
      readonly why: string | undefined;
    }
  | { readonly reason: "held"; readonly tag: string; readonly by: string; readonly why: string | undefined };

export type SkipReason = PlanSkip["reason"];
