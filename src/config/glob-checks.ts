import type { Finding } from "./finding.js";
import { globError } from "./glob-error.js";
import { globSegments, splitNegation } from "./glob-matcher.js";
import { code } from "../core/render/markdown.js";

/** The longest glob, the most `**` segments in one, and the most `*` in one of its segments. */
export const GLOB_MAX_LENGTH = 200;
export const GLOB_MAX_GLOBSTARS = 4;
export const GLOB_MAX_STARS_PER_SEGMENT = 1;

// Problems with the globs of the configuration; each check returns undefined for a good glob (and
// for "", which the schema reports). A leading `!` (exclude) is allowed on every glob of a list: the
// check reads what follows it.

export const checkRepositoryGlob = negatable(repositoryGlob);
export const checkWorkflowGlob = negatable(workflowGlob);
export const checkPathGlob = negatable(pathGlob);
export const checkBranchGlob = negatable(branchGlob);

function negatable(check: (glob: string) => Finding | undefined): (glob: string) => Finding | undefined {
  return (glob) => {
    const { negated, pattern } = splitNegation(glob);
    if (negated && pattern === "") {
      return {
        message: "`!` alone excludes nothing",
        fix: "write the glob to exclude right after the `!`, e.g. `!acme/sandbox-*`, or remove the entry",
      };
    }
    return check(pattern);
  };
}

/** A list of paths made only of exclusions would take every file of the repository, `.github` too. */
export function checkPathList(globs: readonly string[]): Finding | undefined {
  if (globs.length === 0 || !globs.every((glob) => splitNegation(glob).negated)) return undefined;
  return {
    message: "`paths` only excludes files, so the environment would take every other file of the repository",
    fix: 'list the files that belong to it first, e.g. `["apps/*/overlays/prod/**", "!apps/legacy/**"]`',
  };
}

function repositoryGlob(glob: string): Finding | undefined {
  const segments = glob.split("/");
  // GitLab's nested groups (`group/sub/name`) are checked against the source's host (config-schema.ts).
  if (glob !== "" && segments.length < 2) {
    const example =
      segments.length === 1
        ? `\`${glob}/*\` for every repository of ${glob}`
        : `\`${segments.slice(-2).join("/")}\``;
    return {
      message: `repository glob \`${glob}\` is not of the form owner/name`,
      fix: `write one \`/\` between owner and name, e.g. ${example}`,
    };
  }
  return invalidGlob(glob);
}

function workflowGlob(glob: string): Finding | undefined {
  if (glob !== "" && !glob.includes("/") && !glob.includes("**")) {
    return {
      message: `workflow glob \`${glob}\` has no directory, so it never matches a workflow path`,
      fix: `workflow paths start with .github/workflows/: write \`.github/workflows/${glob}\``,
    };
  }
  return invalidGlob(glob);
}

function pathGlob(glob: string): Finding | undefined {
  if (glob.includes("\\")) {
    return {
      message: `path glob \`${glob}\` contains a backslash`,
      fix: `separate directories with / (in a glob a backslash escapes, it does not separate): \`${glob.replaceAll("\\", "/")}\``,
    };
  }
  if (glob.startsWith("/")) {
    return {
      message: `path glob \`${glob}\` is absolute`,
      fix: `paths are relative to the repository root and cannot reach outside it: write \`${glob.replace(/^\/+/, "")}\``,
    };
  }
  if (glob.split("/").includes("..")) {
    const normalized = normalizePath(glob);
    return {
      message: `path glob \`${glob}\` has a .. segment`,
      fix:
        normalized === undefined
          ? "the bot writes only inside this repository: name the files from its root, without .."
          : `name the files from the repository root: \`${normalized}\``,
    };
  }
  return invalidGlob(glob);
}

function branchGlob(glob: string): Finding | undefined {
  if (glob.startsWith("refs/")) {
    return {
      message: `branch glob \`${glob}\` names a ref, not a branch`,
      fix: `write the branch name alone: \`${glob.replace(/^refs\/(heads\/)?/, "")}\``,
    };
  }
  return invalidGlob(glob);
}

/**
 * What could make matching the glob slow on a long text. The matcher (`compileGlob`) is linear in the
 * text only for globs whose segments each have at most one `*` and no extglob (a regular expression
 * with a repeated group or several stars in a row of text backtracks without bound), and whose braces
 * stay within a segment.
 */
export function checkGlobCost(glob: string): Finding | undefined {
  const length = Array.from(glob).length;
  if (length > GLOB_MAX_LENGTH)
    return {
      message: `a glob of ${length} characters is longer than ${GLOB_MAX_LENGTH}`,
      fix: "shorten it, or list several shorter globs",
    };
  const extglob = /[+*@?!]\(/.exec(glob);
  if (extglob !== null)
    return {
      message: `${code(glob)} uses an extglob (${code(extglob[0])}), which can take time without bound to match`,
      fix: "list the alternatives with braces, e.g. `{web,api}-*`, or as several globs",
    };
  if (/\*{3,}/.test(glob))
    return {
      message: `${code(glob)} has a run of three or more \`*\``,
      fix: "write `**` for any number of directories, or `*` for part of one name",
    };
  const segments = globSegments(glob);
  if (segments === undefined)
    return {
      message: `${code(glob)} has a \`/\` inside braces`,
      fix: "keep each brace within one directory name, e.g. `{apps,services}/**`, or list several globs",
    };
  const globstars = segments.filter((segment) => segment === "**").length;
  if (globstars > GLOB_MAX_GLOBSTARS)
    return {
      message: `${code(glob)} has ${globstars} \`**\` segments, more than ${GLOB_MAX_GLOBSTARS}`,
      fix: "one `**` already matches any number of directories: remove the others",
    };
  const starry = segments.find(
    (segment) => segment !== "**" && (segment.match(/\*/g) ?? []).length > GLOB_MAX_STARS_PER_SEGMENT,
  );
  if (starry !== undefined)
    return {
      message: `${code(glob)} has more than one \`*\` in the name ${code(starry)}, which can take long to match`,
      fix: "use one `*` per directory or file name (e.g. `web-*`), or list several globs",
    };
  return undefined;
}

function invalidGlob(glob: string): Finding | undefined {
  if (glob === "") return undefined;
  const reason = globError(glob);
  if (reason === undefined) return checkGlobCost(glob);
  const missing = /^Missing (closing|opening): "(.)"/.exec(reason);
  if (missing !== null) {
    const [, side, wanted = ""] = missing;
    const present = PAIRED[wanted] ?? wanted;
    return {
      message: `\`${glob}\` is not a valid glob: ${side === "closing" ? `a ${present} is never closed` : `a ${present} has no opening ${wanted}`}`,
      fix: `balance the brackets, or match the ${present} literally with a class: [${present}]`,
    };
  }
  if (reason.includes("Range out of order")) {
    return {
      message: `\`${glob}\` is not a valid glob: a character range is out of order`,
      fix: "write ranges from low to high, e.g. [a-z] or [0-9]",
    };
  }
  return {
    message: `\`${glob}\` is not a valid glob: ${reason}`,
    fix: "check the glob syntax in docs/configuration.md",
  };
}

/** The other half of each bracket. */
const PAIRED: Readonly<Record<string, string>> = {
  "]": "[",
  ")": "(",
  "}": "{",
  "[": "]",
  "(": ")",
  "{": "}",
};

/** `a/../b` -> `b`; undefined when the path climbs above the root. */
function normalizePath(path: string): string | undefined {
  const kept: string[] = [];
  for (const segment of path.split("/")) {
    if (segment !== "..") kept.push(segment);
    else if (kept.pop() === undefined) return undefined;
  }
  return kept.length === 0 ? undefined : kept.join("/");
}
