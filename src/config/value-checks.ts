import type { Finding } from "./finding.js";

// Checks of single values that are neither globs nor templates; undefined when fine (and for "",
// which the schema reports).

export const ENVIRONMENT_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** Probot's `_extends` grammar (@probot/octokit-plugin-config): `repo`, `owner/repo`, `owner/repo:path.yml`. */
export const EXTENDS =
  /^(?:([a-z\d](?:[a-z\d]|-(?=[a-z\d])){0,38})\/)?([-_.\w\d]+)(?::([-_./\w\d]+\.ya?ml))?$/i;

export function checkEnvironmentName(name: string): Finding | undefined {
  if (ENVIRONMENT_NAME.test(name)) return undefined;
  const suggestion = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "")
    .replace(/-+$/, "")
    .slice(0, 63);
  return {
    message: `environment name \`${name}\` is not valid`,
    fix:
      "use 1 to 63 lower-case letters, digits, . _ -, starting with a letter or digit" +
      (ENVIRONMENT_NAME.test(suggestion) ? `: rename it to \`${suggestion}\`` : ", e.g. prod"),
  };
}

export function checkExtends(value: string): Finding | undefined {
  if (value === "" || EXTENDS.test(value)) return undefined;
  return {
    message: `\`${value}\` does not name a repository`,
    fix: "write .github, other-repo, owner/repo, or owner/repo:path/to/file.yml",
  };
}

/** The parts of git's check-ref-format rules a branch name typed by hand breaks. */
export function checkBranchName(name: string): Finding | undefined {
  if (name.startsWith("refs/")) {
    return {
      message: `\`${name}\` names a ref, not a branch`,
      fix: `write the branch name alone: \`${name.replace(/^refs\/(heads\/)?/, "")}\``,
    };
  }
  // eslint-disable-next-line no-control-regex
  const bad = /[\s~^:?*[\\\x00-\x1f\x7f]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$|^@$/.exec(name);
  if (name === "" || bad === null) return undefined;
  return {
    message: `\`${name}\` is not a valid git branch name (\`${bad[0]}\` is not allowed there)`,
    fix: "branch names cannot contain spaces, ~ ^ : ? * [ \\, .. or //, nor start with - / . or end with / . .lock",
  };
}
