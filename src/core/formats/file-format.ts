import type { ImageUpdate } from "../image-ref/index.js";
import type { FormatName, FormatPlan } from "../rewrite/rewrite-types.js";
import type { YamlFile } from "../rewrite/yaml-file.js";

/** A file format the rewriter understands: one folder under formats/, listed in formats/index.ts. */
export interface FileFormat {
  readonly name: FormatName;
  /** A cheap test on the file name and the parsed documents. */
  matches(file: YamlFile): boolean;
  /** The names of the images the file refers to, as the file spells them. */
  images(file: YamlFile): string[];
  /** Other names an update may use to reach an image (kustomize's `newName`); none by default. */
  aliases?(file: YamlFile): string[];
  /** The edits that make the file refer to the requested images; nothing is applied here. */
  plan(file: YamlFile, updates: readonly ImageUpdate[]): FormatPlan;
}
