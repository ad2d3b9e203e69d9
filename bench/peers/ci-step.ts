// Runs the CI-step peer (bench/peers/ci-step.sh) as a CI runner would: a new bash process with the
// job's environment, git from the machine, nothing kept between runs.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gitEnvironment } from "./git.js";

const SCRIPT = fileURLToPath(new URL("./ci-step.sh", import.meta.url));

export interface CiStepResult {
  /** How many times the push was retried before it was accepted. */
  readonly retries: number;
  /** When the job reported its push accepted (before it removed its clone), ms since the epoch. */
  readonly pushedAt: number;
}

/** One CI job: clone, sed, commit, push (retried); resolves when the job ended after its push. */
export function runCiStep(repoUrl: string, service: string, tag: string): Promise<CiStepResult> {
  return new Promise((resolve, reject) => {
    const job = spawn("bash", [SCRIPT], {
      env: { ...gitEnvironment(), REPO_URL: repoUrl, SERVICE: service, TAG: tag },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let [stdout, stderr] = ["", ""];
    let pushedAt = Number.NaN;
    job.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (Number.isNaN(pushedAt) && stdout.includes("pushed after")) pushedAt = Date.now();
    });
    job.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    job.on("error", reject);
    job.on("close", (code) => {
      const retries = /pushed after (\d+) retries/.exec(stdout)?.[1];
      if (code === 0 && retries !== undefined) resolve({ retries: Number(retries), pushedAt });
      else reject(new Error(`the CI-step peer failed (exit code ${code}): ${stderr.trim()}`));
    });
  });
}
