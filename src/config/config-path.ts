/** Where the app reads its configuration in a manifests repository (Probot's `.github/` convention). */
export const CONFIG_PATH = ".github/gitops-image-bot.yml";
