import { parseConfig, type Config } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";

/** A config from YAML text that must be valid (the test fails with the problems otherwise). */
export function validConfig(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** A `workflow_run` build of `owner/name` at `sha` on main, as the handler makes it; `fields` override. */
export function buildOf(repo: string, sha: string, fields: Partial<Build> = {}): Build {
  const [owner = "", name = ""] = repo.split("/");
  return {
    trigger: "workflow_run",
    id: `${repo}@${sha}`,
    repository: { owner, name, defaultBranch: "main", htmlUrl: `https://github.com/${repo}` },
    sha,
    branch: "main",
    event: "push",
    workflowPath: undefined,
    url: undefined,
    image: undefined,
    receivedAt: 0,
    ...fields,
  };
}
