import { KEEP, type ImageUpdate } from "../../image-ref/index.js";

export const ENTRY_FIELDS = ["newName", "newTag", "digest"] as const;
export type EntryField = (typeof ENTRY_FIELDS)[number];
export type EntryValues = Readonly<Partial<Record<EntryField, string>>>;

/**
 * `kustomize edit set image` semantics: the entry becomes what the argument says; `*` keeps a field,
 * an absent field is removed (so a tag without a digest drops a stale digest). The `NAME:TAG` form
 * carries `newName: *`, so a tag-only update keeps the entry's newName.
 */
export function desiredEntry(update: ImageUpdate, current: EntryValues): EntryValues {
  const desired: Partial<Record<EntryField, string>> = {};
  for (const field of ENTRY_FIELDS) {
    const value = update[field] === KEEP ? current[field] : update[field];
    if (value !== undefined) desired[field] = value;
  }
  return desired;
}
