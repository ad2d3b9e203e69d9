import type { FileFormat } from "./file-format.js";
import { helmValuesFormat } from "./helm-values/helm-values-format.js";
import { kustomizationFormat } from "./kustomization/kustomization-format.js";
import { manifestsFormat } from "./manifests/manifests-format.js";

/** Every format, in the order they are tried; a new format is one folder and one line here. */
export const FORMATS: readonly FileFormat[] = [kustomizationFormat, manifestsFormat, helmValuesFormat];

export type { FileFormat } from "./file-format.js";
