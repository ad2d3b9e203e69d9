import { CONFIG_PATH, type ConfigProblem } from "../config/index.js";
import { STATE_PATH } from "../state/state-file.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { Pacer } from "./pacer.js";
import { clipLine, fitText, GITHUB_LIMITS } from "../core/render/fit-github.js";

export const CONFIG_CHECK_NAME = "gitops-image-bot: configuration";

/**
 * An invalid configuration becomes one failing check run on the default branch's head commit, with an
 * annotation per problem (file, line, message and fix), where people look when deploys stop.
 */
export async function reportConfigProblems(
  octokit: Octokit,
  pacer: Pacer,
  repo: RepoId,
  headSha: string,
  problems: readonly ConfigProblem[],
): Promise<void> {
  const lines = problems.map(
    (problem) =>
      `- ${problem.file}:${problem.line}:${problem.column}: ${problem.message}. Fix: ${problem.fix}`,
  );
  await pacer.take(true);
  await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.name,
    name: CONFIG_CHECK_NAME,
    head_sha: headSha,
    status: "completed",
    conclusion: "failure",
    output: {
      title: `${problems.length} problem${problems.length === 1 ? "" : "s"} in the configuration: nothing is deployed until fixed`,
      // GitHub takes at most 65,535 characters and as many UTF-8 bytes.
      summary: fitText(lines.join("\n"), GITHUB_LIMITS.checkOutput, {
        measure: "bytes",
        note: (omitted) => `… and ${omitted} more problems: fix these first`,
      }),
      // GitHub takes at most 50 annotations per request, on paths of this repository only.
      annotations: problems
        .filter((problem) => problem.file === CONFIG_PATH || problem.file === STATE_PATH)
        .slice(0, GITHUB_LIMITS.annotationsPerRequest)
        .map((problem) => ({
          path: problem.file,
          start_line: problem.line,
          end_line: problem.line,
          annotation_level: "failure" as const,
          message: clipLine(`${problem.message}. Fix: ${problem.fix}`, 4_000),
        })),
    },
  });
}
