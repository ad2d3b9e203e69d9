import type { PlanSkip } from "./skip.js";
import type { Wanted } from "./wanted.js";

/** One file edit a batch makes: which build, which environment, from which tag to which. */
export interface FileUpdate {
  readonly wanted: Wanted;
  readonly environment: string;
  readonly path: string;
  readonly fromTag: string | undefined;
  readonly fromSha: string | undefined;
  /** 1-based line of the changed value. */
  readonly line: number;
}

/** What became of one build in one environment of one manifests repository. */
export type Outcome =
  | {
      readonly kind: "written";
      readonly wanted: Wanted;
      readonly environment: string;
      readonly updates: readonly FileUpdate[];
    }
  | {
      readonly kind: "skipped";
      readonly wanted: Wanted;
      readonly environment: string;
      readonly path: string | undefined;
      readonly skip: PlanSkip;
    };
