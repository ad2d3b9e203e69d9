export type { ImageRef, ImageRefError, ParseResult } from "./image-ref.js";
export { KEEP, type ImageUpdate } from "./image-update.js";
export { parseImageRef } from "./parse-image-ref.js";
export { formatImageRef } from "./format-image-ref.js";
export { parseSetImageArg } from "./parse-set-image-arg.js";
export { normalizeImageName, sameImageName } from "./normalize-image-name.js";
export { splitDomain } from "./validate-parts.js";
export { applyUpdate, isGiven } from "./apply-update.js";
