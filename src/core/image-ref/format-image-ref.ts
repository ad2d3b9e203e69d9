import type { ImageRef } from "./image-ref.js";

export function formatImageRef(ref: ImageRef): string {
  return `${ref.name}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}
