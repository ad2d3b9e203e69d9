import { CONFIG_PATH, mergeConfigTexts, parseConfig, type ConfigResult } from "../config/index.js";
import { statusOf } from "../adapters/github/compare-commits.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";

/** `_extends: .github`, `_extends: repo` or `_extends: owner/repo` (Probot's convention), as a repository. */
function extendsTarget(value: string, owner: string): RepoId | undefined {
  const [first, second, ...rest] = value.trim().split("/");
  if (rest.length > 0 || !first) return undefined;
  return second === undefined ? { owner, name: first } : { owner: first, name: second };
}

/**
 * The configuration of a manifests repository from its file's text, following `_extends` one level
 * to an organisation-wide base (read from that repository's default branch).
 */
export async function loadConfig(octokit: Octokit, repo: RepoId, text: string): Promise<ConfigResult> {
  const local = parseConfig(text, CONFIG_PATH);
  if (local.extends === undefined) return local;
  const target = extendsTarget(local.extends, repo.owner);
  const file = target ? `${target.owner}/${target.name}:${CONFIG_PATH}` : local.extends;
  const baseText = target ? await readText(octokit, target) : undefined;
  if (baseText === undefined)
    return {
      ok: false,
      problems: [
        {
          file: CONFIG_PATH,
          line: 1,
          column: 1,
          message: `_extends: ${local.extends}: ${file} was not found or is not readable by the app`,
          fix: `create ${CONFIG_PATH} in that repository and install the app on it, or remove _extends`,
        },
      ],
    };
  return mergeConfigTexts({ text: baseText, file }, { text, file: CONFIG_PATH });
}

async function readText(octokit: Octokit, repo: RepoId): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.name,
      path: CONFIG_PATH,
    });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data)) return undefined;
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}
