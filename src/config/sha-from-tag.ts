import { readTag, requireTagTemplate, type TagValues } from "./tag-template.js";

/**
 * The inverse of `renderTag`: the lower-case (possibly shortened) SHA `tag` was made from, or undefined
 * when `tag` does not follow `template` or the template carries no SHA. The literal text must match
 * exactly; the hex digits may be in either case. Throws for an invalid template, as `renderTag` does.
 */
export function shaFromTag(template: string, tag: string): string | undefined {
  return readTag(requireTagTemplate(template), tag)?.sha;
}

/** Everything `tag` says through `template` (commit, build number, version); undefined when it does not follow it. */
export function valuesFromTag(template: string, tag: string): TagValues | undefined {
  return readTag(requireTagTemplate(template), tag);
}
