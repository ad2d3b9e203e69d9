import { checkName } from "../core/image-ref/validate-parts.js";
import type { Finding } from "./finding.js";

/** Checks an image-name template by rendering it for a sample repository. */
export function checkImageTemplate(template: string): Finding | undefined {
  for (const [text, name = ""] of template.matchAll(/\{([^{}]*)\}/g)) {
    if (name === "owner" || name === "repo") continue;
    return {
      message: `image template has an unknown placeholder \`${text}\``,
      fix: ["owner", "repo"].includes(name.toLowerCase())
        ? `write it in lower case: {${name.toLowerCase()}}`
        : "the image template knows only {owner} and {repo} (of the source repository)",
    };
  }
  const sample = fillImageTemplate(template, "acme", "web");
  const trailing = /(@.*|:[^/]*)$/.exec(sample)?.[0];
  if (trailing !== undefined) {
    return {
      message: `image template \`${template}\` ends in a tag or digest (\`${trailing}\`)`,
      fix: `remove \`${trailing}\`: the tag comes from the tag template`,
    };
  }
  const problem = checkName(sample);
  if (problem === undefined) return undefined;
  return {
    message: `image template \`${template}\` renders an invalid image name for acme/web: ${problem}`,
    fix: "write a registry host and repository path, e.g. ghcr.io/{owner}/{repo}",
  };
}

export function fillImageTemplate(template: string, owner: string, repo: string): string {
  return template.replaceAll("{owner}", owner).replaceAll("{repo}", repo).toLowerCase();
}
