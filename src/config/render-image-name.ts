import { checkImageTemplate, fillImageTemplate } from "./image-template.js";

/**
 * The image a source repository builds: `{owner}` and `{repo}` filled in, lower-cased as registries
 * require (`ghcr.io/{owner}/{repo}` + Acme/Web -> `ghcr.io/acme/web`). Throws for a template
 * `parseConfig` would reject.
 */
export function renderImageName(template: string, owner: string, repo: string): string {
  const problem = checkImageTemplate(template);
  if (problem !== undefined)
    throw new Error(`invalid image template "${template}": ${problem.message}; ${problem.fix}`);
  return fillImageTemplate(template, owner, repo);
}
