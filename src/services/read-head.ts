import { CONFIG_PATH, CONFIG_PATHS, type Config, type ConfigProblem } from "../config/index.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { readSnapshot, type HistoryQuestions, type Snapshot } from "../adapters/github/read-snapshot.js";
import { loadConfigFiles } from "./load-config.js";

export type HeadRead =
  | { readonly kind: "ok"; readonly snapshot: Snapshot; readonly config: Config }
  /** No config file on the default branch: not (or no longer) a manifests repository. */
  | { readonly kind: "no-config"; readonly reason: string }
  | { readonly kind: "invalid"; readonly snapshot: Snapshot; readonly problems: readonly ConfigProblem[] }
  | { readonly kind: "no-branch"; readonly reason: string };

/**
 * The head a batch, a reconciliation pass or `/status` works on: one GraphQL read of the branch the
 * config names (the default branch unless `branch` says otherwise) with `paths` at that very commit,
 * and the config (following `_extends`). A second read only when the config names another branch.
 * `history`: the ordering guard's questions, asked in the first read (see `readSnapshot`).
 */
export async function readHead(
  octokit: Octokit,
  repo: RepoId,
  paths: readonly string[],
  history?: HistoryQuestions,
): Promise<HeadRead> {
  const key = `${repo.owner}/${repo.name}`;
  let snapshot = await readSnapshot(octokit, repo, CONFIG_PATHS, undefined, paths, history);
  const loaded = snapshot && (await loadConfigFiles(octokit, repo, snapshot.configs));
  if (!snapshot || !loaded)
    return { kind: "no-config", reason: `${key} has no ${CONFIG_PATH} on its default branch` };
  if (!loaded.ok) return { kind: "invalid", snapshot, problems: loaded.problems };
  const config = loaded.config;
  if (config.branch !== undefined && config.branch !== snapshot.branch) {
    const answered = snapshot.history;
    snapshot = await readSnapshot(octokit, repo, CONFIG_PATHS, config.branch, paths);
    if (!snapshot)
      return { kind: "no-branch", reason: `the configured branch ${config.branch} does not exist` };
    if (answered) snapshot = { ...snapshot, history: answered };
  }
  return { kind: "ok", snapshot, config };
}
