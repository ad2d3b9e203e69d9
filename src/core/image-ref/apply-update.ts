import type { ImageRef } from "./image-ref.js";
import { KEEP, type ImageUpdate } from "./image-update.js";

/** True when an update field asks for a value (not absent, not `*`). */
export function isGiven(value: string | undefined): value is string {
  return value !== undefined && value !== KEEP;
}

/**
 * The reference an `image:` string should hold after an update, following how kustomize renders an
 * `images:` entry: a new name replaces the name; once a tag or a digest is given (`*` included), the
 * part not given is dropped, so a new tag never runs next to a stale digest; with neither, both stay.
 */
export function applyUpdate(ref: ImageRef, update: ImageUpdate): ImageRef {
  const name = isGiven(update.newName) ? update.newName : ref.name;
  if (update.newTag === undefined && update.digest === undefined) return { ...ref, name };
  const tag = isGiven(update.newTag) ? update.newTag : update.newTag === KEEP ? ref.tag : undefined;
  const digest = isGiven(update.digest) ? update.digest : update.digest === KEEP ? ref.digest : undefined;
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}
