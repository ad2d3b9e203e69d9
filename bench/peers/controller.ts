// The controller peer, in the style of Argo CD Image Updater's git write-back: one long-running writer
// that keeps a clone of the manifests repository and, for each application an image update concerns
// (here one per overlay: <service>-<env>, as the manifests repository's ApplicationSet names them),
// fetches, resets to the branch's head, writes the tag, commits and pushes. A rejected push is retried
// three times, each after a new fetch and the edit made again on top of it.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BOT_IDENTITY, git, mustGit } from "./git.js";

const RETRIES = 3;

export interface ControllerUpdate {
  /** Push retries over all the applications of the update. */
  readonly retries: number;
}

export interface ControllerPeer {
  /** Writes `tag` into each environment's overlay of `service`, one application after the other. */
  update(service: string, environments: readonly string[], tag: string): Promise<ControllerUpdate>;
  close(): Promise<void>;
}

/** Starts the controller: its clone is made once, as a running controller already has it. */
export async function startControllerPeer(repoUrl: string): Promise<ControllerPeer> {
  const root = await mkdtemp(join(tmpdir(), "peer-controller-"));
  const clone = join(root, "manifests");
  await mustGit(root, ["clone", "--quiet", "--branch", "main", repoUrl, clone]);

  const writeTag = async (path: string, tag: string) => {
    const file = join(clone, path);
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace(/^( *newTag: ).*$/m, `$1"${tag}"`));
  };

  /** One application's write-back; answers how many times its push was retried. */
  const writeBack = async (application: string, path: string, tag: string): Promise<number> => {
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      await mustGit(clone, ["fetch", "--quiet", "origin", "main"]);
      await mustGit(clone, ["reset", "--quiet", "--hard", "origin/main"]);
      await writeTag(path, tag);
      const changed = await git(clone, ["diff", "--quiet"]);
      if (changed.ok) return attempt; // already at the tag: nothing to write
      await mustGit(clone, [
        ...BOT_IDENTITY,
        "commit",
        "--quiet",
        "--all",
        "--message",
        `build: automatic update of ${application}`,
      ]);
      if ((await git(clone, ["push", "--quiet", "origin", "HEAD:main"])).ok) return attempt;
    }
    throw new Error(`the controller peer's push for ${application} was rejected ${RETRIES + 1} times`);
  };

  return {
    update: async (service, environments, tag) => {
      let retries = 0;
      for (const env of environments)
        retries += await writeBack(
          `${service}-${env}`,
          `apps/${service}/overlays/${env}/kustomization.yaml`,
          tag,
        );
      return { retries };
    },
    close: () => rm(root, { recursive: true, force: true }),
  };
}
