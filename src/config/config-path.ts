/** Where the app reads its configuration in a manifests repository (Probot's `.github/` convention). */
export const CONFIG_PATH = ".github/gitops-image-bot.yml";

/** The same file under the other YAML extension, which people write too: read as well. */
export const CONFIG_PATH_YAML = ".github/gitops-image-bot.yaml";

/** Every name the configuration may have, the documented one first. */
export const CONFIG_PATHS: readonly string[] = [CONFIG_PATH, CONFIG_PATH_YAML];
