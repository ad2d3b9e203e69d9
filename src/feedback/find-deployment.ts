import { imagePart } from "../core/image-ref/image-part.js";
import { statusContext } from "../core/render/status-context.js";
import { shaFromTag, sourceForImage, type Config } from "../config/index.js";
import type { Octokit } from "../adapters/github/octokit.js";
import type { ManifestsRepoId } from "../core/feedback/observation.js";
import { isProductionEnvironment, type TrackedDeployment } from "../core/feedback/tracked-deployment.js";
import { Lru } from "../services/lru.js";
import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";

/**
 * After a restart the ledger is empty: the deployment of an observed (environment, image, tag) is found
 * again from the tag (the config's source for the image, the SHA the tag was made from) with one
 * `GET /repos/{owner}/{repo}/deployments` (by `sha` when the tag carries the whole SHA, else the
 * environment's newest 100, matched by prefix). Each (manifests, environment, image, tag) is asked once:
 * an answer without a deployment is kept too, so a repeat costs nothing. With `report.deployments: false`
 * the app created none, so nothing is asked (the first pass after a restart would otherwise ask once per
 * application Argo CD lists: 900 requests for 300 services in 3 environments).
 */
export class DeploymentFinder {
  private readonly asked = new Lru<string, true>(10_000);

  async find(
    octokit: Octokit,
    config: Config,
    manifests: ManifestsRepoId,
    environment: string,
    image: string,
    tag: string,
  ): Promise<TrackedDeployment | undefined> {
    if (!config.report.deployments) return undefined;
    const key =
      `${manifests.owner}/${manifests.name}\u0000${environment}\u0000${image}\u0000${tag}`.toLowerCase();
    if (this.asked.has(key)) return undefined;
    this.asked.set(key, true);
    const found = sourceForImage(config, image);
    // A source on another host has no deployments on GitHub (the app creates none for it).
    if (found?.source.host !== undefined) return undefined;
    const sha = found ? shaFromTag(found.source.tag, tag) : undefined;
    if (!found || sha === undefined) return undefined;
    const { data } = await octokit.rest.repos.listDeployments({
      owner: found.owner,
      repo: found.repo,
      environment,
      ...(sha.length === 40 ? { sha } : { per_page: 100 }),
    });
    const where = `${manifests.owner}/${manifests.name}`.toLowerCase();
    // A monorepo's images deploy from the same commit: the payload's image tells them apart.
    const deployment = data.find((one) => {
      const payload = one.payload as { manifests?: unknown; image?: unknown } | null;
      return (
        one.sha.startsWith(sha) &&
        String(payload?.manifests ?? "").toLowerCase() === where &&
        (payload?.image === undefined || sameImage(String(payload.image), image))
      );
    });
    if (!deployment) return undefined;
    return {
      manifests,
      environment,
      image,
      tag,
      source: { owner: found.owner, name: found.repo },
      sha: deployment.sha,
      build: undefined,
      deploymentId: deployment.id,
      context: statusContext(
        environment,
        found.source.images.length > 1 ? imagePart(found.entry.image) : undefined,
      ),
      statuses: config.report.statuses,
      production: deployment.production_environment ?? isProductionEnvironment(environment),
      landing: undefined,
      state: undefined,
      description: undefined,
      writtenAt: Date.parse(deployment.created_at),
      onBranchAt: undefined,
    };
  }
}

function sameImage(a: string, b: string): boolean {
  return normalizeImageName(a.toLowerCase()) === normalizeImageName(b.toLowerCase());
}
