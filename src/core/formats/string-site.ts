import type { YAMLMap } from "yaml";
import { applyUpdate, formatImageRef, type ImageRef, type ImageUpdate } from "../image-ref/index.js";
import type { PlanBuilder } from "../rewrite/plan-builder.js";
import type { ValuePath } from "../rewrite/rewrite-types.js";

/** Rewrites one `image: NAME[:TAG][@DIGEST]` string value. */
export function updateImageString(
  builder: PlanBuilder,
  site: { map: YAMLMap; path: ValuePath; key: string; ref: ImageRef },
  docIndex: number,
  update: ImageUpdate,
): void {
  const target = { image: update.name, docIndex, path: site.path, map: site.map };
  builder.setField(target, site.key, formatImageRef(applyUpdate(site.ref, update)));
}
