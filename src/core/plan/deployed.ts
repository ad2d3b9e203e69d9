import { parseImageRef } from "../image-ref/index.js";
import { setImages } from "../rewrite/set-images.js";

export interface Deployed {
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

/** A tag no file holds: setting it reports every current value as a change's `from`. */
const PROBE_TAG = "gitops-image-bot-probe";

/**
 * What a file deploys now for each image: the current tag and digest, read through the rewriting engine
 * itself (a probe edit that is never written), so every format answers the same way.
 */
export function deployedImages(path: string, text: string, images: readonly string[]): Map<string, Deployed> {
  const result = setImages({
    path,
    text,
    updates: images.map((name) => ({ name, newName: "*", newTag: PROBE_TAG })),
  });
  const deployed = new Map<string, Deployed>();
  if (!result.ok) return deployed;
  for (const image of images) {
    let tag: string | undefined;
    let digest: string | undefined;
    for (const change of result.changes) {
      if (change.image !== image || change.from === undefined) continue;
      if (change.field === "digest") digest = change.from;
      else if (change.field === "newTag" || change.field === "tag") tag = change.from;
      else {
        // A whole reference in one string: `image: repo:tag@digest` (manifests, some Helm values).
        const parsed = parseImageRef(change.from);
        if (parsed.ok) {
          tag = parsed.value.tag;
          digest = parsed.value.digest;
        }
      }
    }
    deployed.set(image, { tag, digest });
  }
  return deployed;
}
