import type { FileRefusal } from "../rewrite/file-limits.js";

/** Why a build did not reach a file or an environment: data, rendered into logs, statuses and PR bodies. */
export type PlanSkip =
  | { readonly reason: "older-than-deployed"; readonly deployedSha: string }
  | { readonly reason: "diverged-from-deployed"; readonly deployedSha: string }
  /** Not newer by the source's `order` (build number or version) than the deployed tag. */
  | {
      readonly reason: "older-by-order";
      readonly order: "build-number" | "semver";
      readonly deployedTag: string;
      /** `build 42`, `1.9.3`: what the order read from each tag. */
      readonly deployed: string;
      readonly candidate: string;
    }
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
