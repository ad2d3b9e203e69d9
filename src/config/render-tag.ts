import { fillTagTemplate, requireTagTemplate } from "./tag-template.js";

/**
 * The image tag a build of commit `sha` gets: `{sha}` -> the full SHA, `{sha:N}` -> its first N
 * characters, in lower case. Throws for a template `parseConfig` would reject or a SHA that is not
 * 40 hex digits: both are programming errors once the configuration is validated.
 */
export function renderTag(template: string, sha: string): string {
  if (!/^[0-9a-f]{40}$/i.test(sha)) {
    throw new Error(
      `renderTag: "${sha}" is not a full commit SHA (40 hex digits); pass the SHA GitHub reports`,
    );
  }
  return fillTagTemplate(requireTagTemplate(template), sha.toLowerCase());
}
