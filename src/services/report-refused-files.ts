import { postCompletedCheckRun } from "../adapters/github/completed-check-run.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { repoKey } from "../adapters/github/octokit.js";
import { refusedFileLine, refusedFilesCheckOutput } from "../core/render/refused-files-text.js";
import type { Logger } from "./deployer.js";
import { Lru } from "./lru.js";
import type { RefusedFile } from "./manifest-index.js";
import type { Pacer } from "./pacer.js";

export const REFUSED_FILES_CHECK_NAME = "gitops-image-bot: manifests files";

/**
 * Says which manifests files the app refused (too large, too many aliases): a warning in the log and a
 * neutral check run on the manifests head, once per repository and set of refused blobs, so every
 * batch that meets the same files does not say it again.
 */
export class RefusedFilesReport {
  private readonly told = new Lru<string, true>(1000);

  async report(
    octokit: Octokit,
    pacer: Pacer,
    log: Logger,
    repo: RepoId,
    headSha: string,
    files: readonly RefusedFile[],
  ): Promise<void> {
    if (files.length === 0) return;
    const key = `${repoKey(repo)}@${files
      .map((file) => `${file.path}:${file.oid}`)
      .sort()
      .join(",")}`;
    if (this.told.has(key)) return;
    this.told.set(key, true);
    log.warn(
      { repo: repoKey(repo), files: files.map(refusedFileLine) },
      "manifests files refused: builds are not written to them",
    );
    const output = refusedFilesCheckOutput(files);
    await postCompletedCheckRun(octokit, repo, headSha, REFUSED_FILES_CHECK_NAME, output, () =>
      pacer.take(false),
    );
  }
}
