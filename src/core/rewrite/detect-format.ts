import { FORMATS, type FileFormat } from "../formats/index.js";
import type { FormatName } from "./rewrite-types.js";
import type { YamlFile } from "./yaml-file.js";

/** The format named, or the first whose cheap test matches the file. */
export function detectFormat(file: YamlFile, name?: FormatName): FileFormat | undefined {
  return FORMATS.find((format) => (name === undefined ? format.matches(file) : format.name === name));
}

export const UNKNOWN_FORMAT =
  "unknown format: not a kustomization, Kubernetes manifests (apiVersion and kind in every document) or a Helm values mapping";
