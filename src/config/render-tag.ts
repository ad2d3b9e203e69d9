import { fillTagTemplate, requireTagTemplate, type TagValues } from "./tag-template.js";

/**
 * The image tag a build of commit `sha` gets: `{sha}` -> the full SHA, `{sha:N}` -> its first N
 * characters, in lower case; `{build}` and `{version}` from `extra`. Throws for a template `parseConfig`
 * would reject, a SHA that is not 40 hex digits, or a template that needs a value `extra` lacks: all
 * programming errors once the configuration is validated (check with `tagFor` first).
 */
export function renderTag(template: string, sha: string, extra: Omit<TagValues, "sha"> = {}): string {
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw new Error(
      `renderTag: "${sha}" is not a full commit SHA (40 hex digits); pass the SHA GitHub reports`,
    );
  }
  const tag = tagFor(template, { ...extra, sha: sha.toLowerCase() });
  if (tag === undefined)
    throw new Error(
      `renderTag: the tag template "${template}" needs ${requireTagTemplate(template).version ? "a {version}" : "a {build} number"}, which this build does not carry`,
    );
  return tag;
}

/** The tag for these values, or undefined when the template needs one that is missing. */
export function tagFor(template: string, values: TagValues): string | undefined {
  return fillTagTemplate(requireTagTemplate(template), values);
}
