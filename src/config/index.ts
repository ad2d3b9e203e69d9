// The configuration of the app: `.github/gitops-image-bot.yml` in a manifests repository. Pure: the
// caller reads the file(s) and hands over the text.
export { CONFIG_PATH, CONFIG_PATH_YAML, CONFIG_PATHS } from "./config-path.js";
export { pickConfigFile, type ConfigFile, type PickedConfig } from "./pick-config-file.js";
export type {
  CommandRules,
  ReconcileConfig,
  Config,
  EnvironmentConfig,
  MergeMethod,
  Mode,
  SourceConfig,
  Trigger,
} from "./config.js";
export type { ConfigProblem, ConfigResult } from "./config-result.js";
export { configSchema } from "./config-schema.js";
export { parseConfig } from "./parse-config.js";
export { mergeConfigTexts, type ConfigText } from "./merge-config-texts.js";
export { matchSource } from "./match-source.js";
export { environmentsForPath } from "./environments-for-path.js";
export { branchAllowed } from "./branch-allowed.js";
export { renderImageName } from "./render-image-name.js";
export { renderTag } from "./render-tag.js";
export { shaFromTag } from "./sha-from-tag.js";
export { sourceForImage, type ImageSource } from "./source-for-image.js";
