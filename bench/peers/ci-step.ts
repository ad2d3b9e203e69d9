// Runs the CI-step peer (bench/peers/ci-step.sh) as a CI runner would: a new bash process with the
// job's environment, git from the machine, nothing kept between runs.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gitEnvironment } from "./git.js";

const execFileAsync = promisify(execFile);
const SCRIPT = fileURLToPath(new URL("./ci-step.sh", import.meta.url));

export interface CiStepResult {
  /** How many times the push was retried before it was accepted. */
  readonly retries: number;
}

/** One CI job: clone, sed, commit, push (retried); resolves when the push was accepted. */
export async function runCiStep(repoUrl: string, service: string, tag: string): Promise<CiStepResult> {
  try {
    const { stdout } = await execFileAsync("bash", [SCRIPT], {
      env: { ...gitEnvironment(), REPO_URL: repoUrl, SERVICE: service, TAG: tag },
    });
    const retries = /pushed after (\d+) retries/.exec(stdout)?.[1];
    return { retries: Number(retries ?? Number.NaN) };
  } catch (error) {
    const failed = error as { stderr?: string };
    throw new Error(`the CI-step peer failed: ${failed.stderr?.trim() ?? String(error)}`, {
      cause: error,
    });
  }
}
