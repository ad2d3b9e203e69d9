import type { Config } from "../../config/index.js";
import type { CommandJob } from "../../commands/command-job.js";
import { onePerBuild } from "../../core/plan/one-per-build.js";
import { resolveBuild } from "../../core/plan/resolve-build.js";
import type { Wanted } from "../../core/plan/wanted.js";
import type { DeployItem, Logger } from "../deployer.js";

/** The commands' jobs of a batch, in the order they came. */
export function batchJobs(items: readonly DeployItem[]): CommandJob[] {
  return items.flatMap((item) => (item.kind === "command" ? [item.job] : []));
}

/** The images a batch most likely concerns: their files are read with the head. */
export function batchHints(items: readonly DeployItem[]): string[] {
  return [
    ...new Set(
      items.flatMap((item) =>
        item.kind === "build"
          ? item.hintImage
            ? [item.hintImage]
            : []
          : item.job.wanted.map((wanted) => wanted.image),
      ),
    ),
  ];
}

/** What the batch asks for here: the commands' explicit builds and every build the config resolves, one per build. */
export function resolveItems(
  config: Config,
  items: readonly DeployItem[],
  log: Logger,
  key: string,
): Wanted[] {
  const resolved: Wanted[] = batchJobs(items).flatMap((job) => job.wanted);
  for (const item of items) {
    if (item.kind !== "build") continue;
    const resolution = resolveBuild(config, item.build);
    if (resolution.ok) resolved.push(...resolution.all);
    else
      // Every other tag of an image (latest, v1) arrives as its own event: not worth an info line each.
      log[resolution.ignored.reason === "tag-not-from-template" ? "debug" : "info"](
        { repo: key, build: item.build.id, ...resolution.ignored },
        "build ignored for this manifests repository",
      );
  }
  return onePerBuild(resolved);
}
