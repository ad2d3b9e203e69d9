/** `*` in a field means "keep the value the file has", as in `kustomize edit set image`. */
export const KEEP = "*";

/**
 * What to set for one image. A field that is absent is unset; `KEEP` keeps the file's value.
 * For Helm values and manifests an absent `newName` keeps the name (they have no separate field).
 */
export interface ImageUpdate {
  /** The name the file refers to the image by (kustomize's `name`, or the repository). */
  readonly name: string;
  readonly newName?: string;
  readonly newTag?: string;
  readonly digest?: string;
}
