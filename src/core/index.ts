// The pure core's public API: what the CLI and the app call.
export * from "./image-ref/index.js";
export {
  setImages,
  type SetImagesInput,
  type SetImagesResult,
  type RewriteError,
} from "./rewrite/set-images.js";
export { listImages, type ListImagesResult } from "./rewrite/list-images.js";
export type { Change, Skip, FormatName, ValuePath } from "./rewrite/rewrite-types.js";
export { needsQuotes } from "./rewrite/scalar-text.js";
export { FORMATS, type FileFormat } from "./formats/index.js";
export {
  MAX_ALIAS_COUNT,
  MAX_MANIFEST_BYTES,
  refusalText,
  textTooLarge,
  type FileRefusal,
} from "./rewrite/file-limits.js";
