import { normalizeImageName } from "../image-ref/normalize-image-name.js";
import { parseImageRef } from "../image-ref/parse-image-ref.js";
import type { Observation } from "./observation.js";

/** What an application says about one image it runs, reduced to what deployments need. */
export type HealthState = "healthy" | "progressing" | "degraded" | "failed";

/** One image in one application of an environment: its tag and how it is doing, since when. */
export interface ImageHealth {
  readonly application: string;
  /** The image's name as `normalizeImageName` writes it: `ghcr.io/acme/api`, `docker.io/library/nginx`. */
  readonly image: string;
  readonly tag: string;
  readonly state: HealthState;
  /** When this tag entered this state (ms since the epoch). */
  readonly since: number;
  /** Argo CD's health or sync message, for `degraded` and `failed`. */
  readonly message: string | undefined;
  readonly revision: string | undefined;
  readonly url: string | undefined;
}

/** The state an observation puts its images in: a failed sync first, then health, then sync. */
export function healthState(observation: Observation): HealthState {
  if (observation.operationPhase === "Failed" || observation.operationPhase === "Error") return "failed";
  if (observation.healthStatus === "Degraded") return "degraded";
  if (observation.syncStatus === "Synced" && observation.healthStatus === "Healthy") return "healthy";
  return "progressing";
}

/**
 * Each tagged image the observation says the application runs, as `ImageHealth`, keeping `since` from
 * the previous entry when the tag and state did not change (a repeated notification is no transition).
 * Images without a tag (digest only) or that do not parse are left out: nothing can name their build.
 */
export function imagesHealth(
  observation: Observation,
  previous: (image: string) => ImageHealth | undefined,
): ImageHealth[] {
  const state = healthState(observation);
  const message =
    state === "failed"
      ? (observation.operationMessage ?? observation.healthMessage)
      : state === "degraded"
        ? observation.healthMessage
        : undefined;
  const result = new Map<string, ImageHealth>();
  for (const text of observation.images ?? []) {
    const parsed = parseImageRef(text);
    if (!parsed.ok || parsed.value.tag === undefined) continue;
    const image = normalizeImageName(parsed.value.name);
    const before = previous(image);
    const same = before !== undefined && before.tag === parsed.value.tag && before.state === state;
    result.set(image, {
      application: observation.application,
      image,
      tag: parsed.value.tag,
      state,
      since: same ? before.since : observation.observedAt,
      message,
      revision: observation.revision,
      url: observation.url,
    });
  }
  return [...result.values()];
}

/**
 * How an image is doing in an environment across its applications (several clusters, say): healthy
 * only when every application runs the same tag and is healthy, since the last of them became so;
 * degraded or failed when any is.
 */
export function environmentHealth(entries: readonly ImageHealth[]): ImageHealth | undefined {
  const bad =
    entries.find((entry) => entry.state === "failed") ?? entries.find((e) => e.state === "degraded");
  if (bad) return bad;
  const first = entries[0];
  if (!first) return undefined;
  const agree = entries.every((entry) => entry.tag === first.tag && entry.state === "healthy");
  if (!agree) return entries.find((entry) => entry.state !== "healthy") ?? { ...first, state: "progressing" };
  return entries.reduce((latest, entry) => (entry.since > latest.since ? entry : latest), first);
}
