import type { Octokit } from "../adapters/github/octokit.js";
import type { ManifestsRepoId } from "../core/feedback/observation.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";

/** A manifests repository of an installation, with its configuration, from the registry's cache. */
export function manifestsRepoOf(
  registry: ManifestsRegistry,
  auth: (installationId: number) => Promise<Octokit>,
): (installationId: number, manifests: ManifestsRepoId) => Promise<ManifestsRepo | undefined> {
  return async (installationId, manifests) => {
    const repos = await registry.list(installationId, await auth(installationId));
    const wanted = `${manifests.owner}/${manifests.name}`.toLowerCase();
    return repos.find((repo) => `${repo.owner}/${repo.name}`.toLowerCase() === wanted);
  };
}
