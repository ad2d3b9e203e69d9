import {
  CONFIG_PATH,
  mergeConfigTexts,
  parseConfig,
  pickConfigFile,
  type ConfigFile,
  type ConfigResult,
} from "../config/index.js";
import { EXTENDS } from "../config/value-checks.js";
import { statusOf } from "../adapters/github/compare-commits.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";

/** What `_extends` names (Probot's grammar): a repository (this owner's unless given) and a file in it. */
export function extendsTarget(value: string, owner: string): (RepoId & { path: string }) | undefined {
  const match = EXTENDS.exec(value.trim());
  if (match === null || match[2] === undefined) return undefined;
  return { owner: match[1] ?? owner, name: match[2], path: match[3] ?? CONFIG_PATH };
}

/** What `_extends` named, as read: the base's text, or why it could not be read. */
export type ConfigBase =
  | { readonly file: string; readonly text: string }
  | { readonly file: string; readonly reason: string; readonly fix: string };

/**
 * What a repository's configuration is computed from: the config files found at one commit and, when
 * the picked file says `_extends`, its base as read. Texts only: `configFromInputs` computes the rest,
 * so these can be kept (and shared by the fleet) and computed again by any version of the app.
 */
export interface ConfigInputs {
  readonly found: readonly ConfigFile[];
  readonly base?: ConfigBase;
}

/**
 * The configuration of a manifests repository from the config files found at one commit (under the
 * names of CONFIG_PATHS): undefined when there is none, a problem when there are two.
 */
export async function loadConfigFiles(
  octokit: Octokit,
  repo: RepoId,
  found: readonly ConfigFile[],
): Promise<ConfigResult | undefined> {
  return configFromInputs(repo, await readConfigInputs(octokit, repo, found));
}

/** The config files found, with the base their `_extends` names read from its repository. */
export async function readConfigInputs(
  octokit: Octokit,
  repo: RepoId,
  found: readonly ConfigFile[],
): Promise<ConfigInputs> {
  const picked = pickConfigFile(found);
  if (picked.kind !== "one") return { found };
  const base = await readBase(octokit, repo, parseConfig(picked.file.text, picked.file.path));
  return base === undefined ? { found } : { found, base };
}

/** The configuration `inputs` mean (pure): undefined when no config file was found. */
export function configFromInputs(repo: RepoId, inputs: ConfigInputs): ConfigResult | undefined {
  const picked = pickConfigFile(inputs.found);
  if (picked.kind === "none") return undefined;
  if (picked.kind === "two") return { ok: false, problems: [...picked.problems] };
  const { text, path } = picked.file;
  return withBase(parseConfig(text, path), { text, path }, inputs.base);
}

/**
 * The configuration of a manifests repository from its file's text, following `_extends` one level
 * to a base (read from that repository's default branch): `.github`, `repo`, `owner/repo`, or
 * `owner/repo:path/to/file.yml`. A base that cannot be read is a problem at the `_extends` line.
 */
export async function loadConfig(
  octokit: Octokit,
  repo: RepoId,
  text: string,
  path: string = CONFIG_PATH,
): Promise<ConfigResult> {
  const local = parseConfig(text, path);
  return withBase(local, { text, path }, await readBase(octokit, repo, local));
}

/** The base `local`'s `_extends` names, read; undefined when it names none (or a malformed one). */
async function readBase(
  octokit: Octokit,
  repo: RepoId,
  local: ConfigResult,
): Promise<ConfigBase | undefined> {
  if (local.extends === undefined) return undefined;
  const target = extendsTarget(local.extends, repo.owner);
  if (target === undefined) return undefined; // parseConfig reports a malformed _extends
  const file = `${target.owner}/${target.name}:${target.path}`;
  const base = await readText(octokit, target);
  return typeof base === "string" ? { file, text: base } : { file, ...base };
}

/** The local file's configuration merged over its base, or the problem of a base not read. */
function withBase(
  local: ConfigResult,
  self: { text: string; path: string },
  base: ConfigBase | undefined,
): ConfigResult {
  if (local.extends === undefined || base === undefined) return local;
  if ("reason" in base) {
    const at = local.extendsAt ?? { line: 1, column: 1 };
    return {
      ok: false,
      problems: [
        {
          file: self.path,
          ...at,
          message: `_extends: ${local.extends}: ${base.file} ${base.reason}`,
          fix: base.fix,
        },
      ],
    };
  }
  return mergeConfigTexts({ text: base.text, file: base.file }, { text: self.text, file: self.path });
}

async function readText(
  octokit: Octokit,
  target: RepoId & { path: string },
): Promise<string | { reason: string; fix: string }> {
  const where = `${target.owner}/${target.name}`;
  try {
    const { data } = await octokit.rest.repos.getContent({
      owner: target.owner,
      repo: target.name,
      path: target.path,
    });
    if (Array.isArray(data) || data.type !== "file" || !("content" in data))
      return {
        reason: "is not a file",
        fix: `name a YAML file of ${where}, e.g. ${where}:${CONFIG_PATH}, or remove _extends`,
      };
    if (data.encoding !== "base64" || (data.content === "" && data.size > 0))
      return {
        reason: `is too large to read through the API (${data.size} bytes)`,
        fix: "keep the shared configuration under 1 MB, or remove _extends",
      };
    return Buffer.from(data.content, "base64").toString("utf8");
  } catch (error) {
    const status = statusOf(error);
    if (status === 404)
      return {
        reason: "was not found, or the app cannot read that repository",
        fix: `create ${target.path} on the default branch of ${where} and install the app on ${where}, or remove _extends`,
      };
    if (status === 403)
      return {
        reason: "cannot be read by the app (403)",
        fix: `install the app on ${where} with contents read permission, or remove _extends`,
      };
    throw error;
  }
}
