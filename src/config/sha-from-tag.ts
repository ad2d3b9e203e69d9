import { requireTagTemplate } from "./tag-template.js";

/**
 * The inverse of `renderTag`: the lower-case (possibly shortened) SHA `tag` was made from, or undefined
 * when `tag` does not follow `template`. The literal text must match exactly; the hex digits may be in
 * either case. Throws for an invalid template, as `renderTag` does.
 */
export function shaFromTag(template: string, tag: string): string | undefined {
  const { prefix, length, suffix } = requireTagTemplate(template);
  if (!tag.startsWith(prefix) || !tag.endsWith(suffix)) return undefined;
  const sha = tag.slice(prefix.length, tag.length - suffix.length);
  if (sha.length !== (length ?? 40) || !/^[0-9a-f]+$/i.test(sha)) return undefined;
  return sha.toLowerCase();
}
