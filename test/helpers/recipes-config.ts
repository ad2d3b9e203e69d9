import { isDeepStrictEqual } from "node:util";
import { parse, stringify } from "yaml";
import { recipeBlocks } from "./recipe-blocks.js";

/**
 * The recipes whose `recipe-config` blocks make the manifests repository's config, in the order their
 * sources are listed. The first source that names a repository deploys it (`matchSource`), so the
 * narrow ones come first and Docker Hub's `acme/*` last: acme/api is the Jenkins recipe's, acme/web
 * the Harbor recipe's (its other repository), any other acme repository Docker Hub's.
 */
export const CONFIG_RECIPES = [
  "jenkins.md",
  "gitlab-ci.md",
  "github-actions.md",
  "harbor.md",
  "docker-hub.md",
];

interface Environment {
  readonly paths: readonly string[];
  readonly [key: string]: unknown;
}

/** The one `recipe-config` block of a recipe, as YAML data. */
function recipeConfigData(file: string): { sources: unknown[]; environments: Record<string, Environment> } {
  const blocks = recipeBlocks(file).filter((block) => "recipe-config" in block.attrs);
  if (blocks.length !== 1) throw new Error(`docs/recipes/${file}: ${blocks.length} recipe-config blocks`);
  return parse(blocks[0]!.text) as { sources: unknown[]; environments: Record<string, Environment> };
}

/**
 * `.github/gitops-image-bot.yml` made of the recipes' own config blocks: every source of every recipe,
 * as written, and their environments. The recipes' environments cover the same paths (checked here);
 * where their other settings differ, the first recipe's (Jenkins: dev from any branch) is kept.
 */
export function recipesConfigText(): string {
  const sources: unknown[] = [];
  const environments: Record<string, Environment> = {};
  for (const file of CONFIG_RECIPES) {
    const data = recipeConfigData(file);
    sources.push(...data.sources);
    for (const [name, environment] of Object.entries(data.environments)) {
      const kept = environments[name];
      if (kept === undefined) environments[name] = environment;
      else if (!isDeepStrictEqual(kept.paths, environment.paths))
        throw new Error(`docs/recipes/${file}: environment ${name} covers other paths than the others'`);
    }
  }
  return `# made of docs/recipes/*.md's recipe-config blocks (test/helpers/recipes-config.ts)\n${stringify({ sources, environments })}`;
}
