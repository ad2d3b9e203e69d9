import type { EnvironmentObservation, ManifestsRepoId } from "../core/feedback/observation.js";
import { environmentHealth, imagesHealth, type ImageHealth } from "../core/feedback/image-health.js";
import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";

/** A tag of an image that changed state in an environment's application. */
export interface HealthChange {
  readonly manifests: ManifestsRepoId;
  readonly environment: string;
  readonly before: ImageHealth | undefined;
  readonly after: ImageHealth;
}

/**
 * What Argo CD last said each image runs, per (manifests repository, environment, application), and
 * the last tag that was healthy: the port behind which the fleet (#19) keeps it in Redis.
 */
export interface HealthLedger {
  /** Records an observation; returns the images whose tag or state it changed. */
  record(observed: EnvironmentObservation): HealthChange[];
  /** The image in the environment across its applications (`environmentHealth`). */
  current(manifests: ManifestsRepoId, environment: string, image: string): ImageHealth | undefined;
  /** The last tag other than `except` that was healthy in the environment, newest first. */
  lastHealthy(
    manifests: ManifestsRepoId,
    environment: string,
    image: string,
    except: string,
  ): string | undefined;
}

const key = (manifests: ManifestsRepoId, environment: string): string =>
  `${manifests.owner}/${manifests.name}\u0000${environment}`.toLowerCase();

/** The in-memory ledger (one process); bounded: the newest 20 healthy tags per image and environment. */
export class MemoryHealthLedger implements HealthLedger {
  /** environment key -> image -> application -> entry */
  private readonly entries = new Map<string, Map<string, Map<string, ImageHealth>>>();
  /** environment key -> image -> tags that were healthy, newest last */
  private readonly healthy = new Map<string, Map<string, string[]>>();

  record(observed: EnvironmentObservation): HealthChange[] {
    const at = key(observed.manifests, observed.environment);
    const images = this.entries.get(at) ?? new Map<string, Map<string, ImageHealth>>();
    this.entries.set(at, images);
    const application = observed.observation.application;
    const changes: HealthChange[] = [];
    for (const entry of imagesHealth(observed.observation, (image) => images.get(image)?.get(application))) {
      const apps = images.get(entry.image) ?? new Map<string, ImageHealth>();
      images.set(entry.image, apps);
      const before = apps.get(application);
      apps.set(application, entry);
      if (entry.state === "healthy") this.rememberHealthy(at, entry.image, entry.tag);
      if (before?.tag !== entry.tag || before.state !== entry.state)
        changes.push({
          manifests: observed.manifests,
          environment: observed.environment,
          before,
          after: entry,
        });
    }
    return changes;
  }

  current(manifests: ManifestsRepoId, environment: string, image: string): ImageHealth | undefined {
    const apps = this.entries.get(key(manifests, environment))?.get(normalizeImageName(image));
    return apps ? environmentHealth([...apps.values()]) : undefined;
  }

  lastHealthy(
    manifests: ManifestsRepoId,
    environment: string,
    image: string,
    except: string,
  ): string | undefined {
    const tags = this.healthy.get(key(manifests, environment))?.get(normalizeImageName(image)) ?? [];
    return tags.filter((tag) => tag !== except).at(-1);
  }

  private rememberHealthy(at: string, image: string, tag: string): void {
    const images = this.healthy.get(at) ?? new Map<string, string[]>();
    this.healthy.set(at, images);
    const tags = (images.get(image) ?? []).filter((known) => known !== tag);
    tags.push(tag);
    images.set(image, tags.slice(-20));
  }
}
