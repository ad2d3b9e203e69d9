import type { FormatName } from "./rewrite-types.js";
import { detectFormat, UNKNOWN_FORMAT } from "./detect-format.js";
import { parseYamlFile } from "./yaml-file.js";
import type { FileRefusal } from "./file-limits.js";

export type ListImagesResult =
  | {
      readonly ok: true;
      readonly format: FormatName;
      readonly images: readonly string[];
      /** Other names that reach an image in `setImages` (kustomize's `newName`), unique. */
      readonly aliases: readonly string[];
    }
  | { readonly ok: false; readonly message: string; readonly refusal?: FileRefusal };

/** The images a file refers to (kustomize entry names, Helm repositories, container images), unique. */
export function listImages(input: { path: string; text: string; format?: FormatName }): ListImagesResult {
  const parsed = parseYamlFile(input.path, input.text);
  if (!parsed.ok)
    return { ok: false, message: parsed.message, ...(parsed.refusal ? { refusal: parsed.refusal } : {}) };
  const format = detectFormat(parsed.file, input.format);
  if (format === undefined) return { ok: false, message: UNKNOWN_FORMAT };
  const aliases = [...new Set(format.aliases?.(parsed.file) ?? [])];
  return { ok: true, format: format.name, images: [...new Set(format.images(parsed.file))], aliases };
}
