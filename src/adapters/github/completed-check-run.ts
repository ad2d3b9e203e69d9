import type { Octokit, RepoId } from "./octokit.js";

type CreateParameters = NonNullable<Parameters<Octokit["rest"]["checks"]["create"]>[0]>;
/** One annotation as `checks.create` takes it. */
export type CheckAnnotation = NonNullable<NonNullable<CreateParameters["output"]>["annotations"]>[number];

/** A completed check run's output, its annotations already in batches of at most 50 (GitHub's limit). */
export interface CheckRunOutput {
  readonly conclusion: "success" | "failure" | "neutral";
  readonly title: string;
  readonly summary: string;
  readonly annotations: readonly (readonly CheckAnnotation[])[];
}

/**
 * One completed check run on `headSha`: the first batch of annotations goes with it, the others in
 * updates of the same run. `beforeEach` is called before every request (the pacer's turn).
 */
export async function postCompletedCheckRun(
  octokit: Octokit,
  repo: RepoId,
  headSha: string,
  name: string,
  output: CheckRunOutput,
  beforeEach: () => Promise<void>,
): Promise<void> {
  const [first = [], ...rest] = output.annotations;
  const text = { title: output.title, summary: output.summary };
  await beforeEach();
  const { data: run } = await octokit.rest.checks.create({
    owner: repo.owner,
    repo: repo.name,
    name,
    head_sha: headSha,
    status: "completed",
    conclusion: output.conclusion,
    output: { ...text, annotations: [...first] },
  });
  for (const annotations of rest) {
    await beforeEach();
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.name,
      check_run_id: run.id,
      output: { ...text, annotations: [...annotations] },
    });
  }
}
