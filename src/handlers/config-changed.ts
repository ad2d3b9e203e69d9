import { CONFIG_PATHS } from "../config/index.js";

interface PushLike {
  commits?: readonly {
    added?: readonly string[];
    modified?: readonly string[];
    removed?: readonly string[];
  }[];
}

/** Whether a push touched a configuration file (then the cached list of manifests repositories is stale). */
export function configChanged(payload: PushLike): boolean {
  return (payload.commits ?? []).some((commit) =>
    [...(commit.added ?? []), ...(commit.modified ?? []), ...(commit.removed ?? [])].some((path) =>
      CONFIG_PATHS.includes(path),
    ),
  );
}
