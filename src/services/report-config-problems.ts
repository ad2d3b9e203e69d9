import { postCompletedCheckRun } from "../adapters/github/completed-check-run.js";
import type { ConfigProblem } from "../config/index.js";
import { configCheckOutput } from "../core/render/config-check-text.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { Pacer } from "./pacer.js";

export const CONFIG_CHECK_NAME = "gitops-image-bot: configuration";

/** What the check run says, beyond the problems themselves. */
export interface ConfigCheckTexts {
  failureTitle: (count: number) => string;
  successTitle: string;
  successSummary: string;
}

const ON_DEFAULT_BRANCH: ConfigCheckTexts = {
  failureTitle: (count) =>
    `${count} problem${count === 1 ? "" : "s"} in the configuration: nothing is deployed until fixed`,
  successTitle: "configuration valid",
  successSummary: "The configuration is valid.",
};

/**
 * The configuration check run on a commit: failing with an annotation per problem (file, line,
 * column, message and fix) when there are problems, else a success. By default worded for the
 * default branch's head, where people look when deploys stop; a pull request passes its own texts.
 * GitHub takes at most 50 annotations per request: the rest follow in updates of the same run.
 */
export async function reportConfigProblems(
  octokit: Octokit,
  pacer: Pacer,
  repo: RepoId,
  headSha: string,
  problems: readonly ConfigProblem[],
  texts: ConfigCheckTexts = ON_DEFAULT_BRANCH,
): Promise<void> {
  const output = configCheckOutput(problems, texts);
  await postCompletedCheckRun(octokit, repo, headSha, CONFIG_CHECK_NAME, output, () => pacer.take(true));
}
