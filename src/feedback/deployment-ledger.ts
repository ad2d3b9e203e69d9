import type { ManifestsRepoId } from "../core/feedback/observation.js";
import type { TrackedDeployment } from "../core/feedback/tracked-deployment.js";
import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";
import { Lru } from "../services/lru.js";

/**
 * The deployments the app follows, per (manifests repository, environment, image): the port behind
 * which the fleet (#19) keeps them in Redis. An entry is replaced by its source commit (one deployment
 * per build, environment and manifests repository).
 */
export interface DeploymentLedger {
  /** Adds or replaces the deployment of `deployment.sha` in its (manifests, environment, image). */
  track(deployment: TrackedDeployment): void;
  /** The tracked deployments of an image in an environment, oldest written first. */
  forImage(manifests: ManifestsRepoId, environment: string, image: string): TrackedDeployment[];
  /** The tracked deployments a pull request of the manifests repository carried. */
  forPull(manifests: ManifestsRepoId, number: number): TrackedDeployment[];
}

/** How many deployments are kept per (manifests, environment, image), and how many such keys. */
export const PER_IMAGE = 20;
export const IMAGES = 10_000;

const imageKey = (manifests: ManifestsRepoId, environment: string, image: string): string =>
  `${manifests.owner}/${manifests.name}\u0000${environment}\u0000${normalizeImageName(image)}`.toLowerCase();
const pullKey = (manifests: ManifestsRepoId, number: number): string =>
  `${manifests.owner}/${manifests.name}#${number}`.toLowerCase();

/** The in-memory ledger (one process): the newest 20 deployments of 10,000 (environment, image)s. */
export class MemoryDeploymentLedger implements DeploymentLedger {
  private readonly images = new Lru<string, TrackedDeployment[]>(IMAGES);
  /** A pull request's number -> the (manifests, environment, image) keys it carried. */
  private readonly pulls = new Lru<string, string[]>(IMAGES);

  track(deployment: TrackedDeployment): void {
    const key = imageKey(deployment.manifests, deployment.environment, deployment.image);
    const list = (this.images.get(key) ?? []).filter((known) => known.sha !== deployment.sha);
    list.push(deployment);
    list.sort((a, b) => a.writtenAt - b.writtenAt);
    this.images.set(key, list.slice(-PER_IMAGE));
    if (deployment.landing?.kind === "pull-request") {
      const at = pullKey(deployment.manifests, deployment.landing.number);
      const keys = this.pulls.get(at) ?? [];
      if (!keys.includes(key)) this.pulls.set(at, [...keys, key].slice(-PER_IMAGE));
    }
  }

  forImage(manifests: ManifestsRepoId, environment: string, image: string): TrackedDeployment[] {
    return [...(this.images.get(imageKey(manifests, environment, image)) ?? [])];
  }

  forPull(manifests: ManifestsRepoId, number: number): TrackedDeployment[] {
    return (this.pulls.get(pullKey(manifests, number)) ?? []).flatMap((key) =>
      (this.images.get(key) ?? []).filter(
        (deployment) => deployment.landing?.kind === "pull-request" && deployment.landing.number === number,
      ),
    );
  }
}
