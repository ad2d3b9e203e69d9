import type { Order } from "../../config/config.js";
import type { Build } from "./build.js";

/** A build resolved against one manifests repository's configuration: this image should run this tag. */
export interface Wanted {
  readonly build: Build;
  /** The image name as the manifests refer to it (rendered from the config's template, lowercased). */
  readonly image: string;
  readonly tag: string;
  readonly digest: string | undefined;
  /** The config's tag template, to read the SHA back from a deployed tag. */
  readonly tagTemplate: string;
  /**
   * The image's short name when its source builds several (a monorepo): its statuses carry it, so the
   * images of one commit do not overwrite each other's (`statusContext`). Undefined for one image.
   */
  readonly part?: string | undefined;
  /** The source's order (undefined: ancestry): how this build stands against others of its image. */
  readonly order?: Order;
  /**
   * The environments a reconciliation pass found behind: no other is touched (one whose tag is not a
   * build, or runs another branch's build, stays as it is). Holds, freezes and the ordering guard apply.
   */
  readonly only?: readonly string[];
  /** Set when a person asked for this change (a command): holds and freezes do not stop it. */
  readonly explicit?: Explicit;
}

/** A change a person asked for in a comment (`/retag`, `/rollback`, `/promote`). */
export interface Explicit {
  /** The GitHub login that asked. */
  readonly by: string;
  /** The environments the person named: the change goes nowhere else. */
  readonly environments: readonly string[];
  /** Past the ordering guard: an older or diverged build may replace the deployed one (`/rollback`, `--force`). */
  readonly force: boolean;
  /** Past the environment's branch rule: the tag ran there before (`/rollback`). */
  readonly anyBranch: boolean;
}
