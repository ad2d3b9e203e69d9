import { z } from "zod";
import type { ApplicationSource, Observation } from "./observation.js";

/**
 * A field Argo CD may leave out: `null` (what `toJson` writes for a missing field), Go's `<no value>`
 * (what a template writes without `toJson`) and an absent key all read as undefined.
 */
export function absent<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (value === null || value === "<no value>" ? undefined : value),
    schema.optional(),
  );
}

/** `spec.source` or an entry of `spec.sources` (v1alpha1ApplicationSource): only what the app reads. */
export const sourceSchema = z.object({
  repoURL: z.string().min(1),
  path: absent(z.string()),
  targetRevision: absent(z.string()),
});

export const labelsSchema = absent(z.record(z.string(), absent(z.string())));

export const imagesSchema = absent(z.array(z.string()));

/** The application's sources: `spec.sources` when it has several, else `spec.source`. */
export function toSources(
  source: z.infer<typeof sourceSchema> | undefined,
  sources: readonly z.infer<typeof sourceSchema>[] | undefined,
): ApplicationSource[] {
  const all = sources && sources.length > 0 ? sources : source ? [source] : [];
  return all.map(({ repoURL, path, targetRevision }) => ({ repoURL, path, targetRevision }));
}

/** Labels without the absent values. */
export function toLabels(labels: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** `time` in ms when it is an RFC 3339 date, else `fallback`. */
export function timeOr(time: string | undefined, fallback: number): number {
  const parsed = time === undefined ? Number.NaN : Date.parse(time);
  return Number.isFinite(parsed) ? parsed : fallback;
}

/** `<argocdUrl>/applications/<namespace>/<name>`, or undefined without a base URL that parses. */
export function applicationUrl(
  argocdUrl: string | undefined,
  namespace: string | undefined,
  name: string,
): string | undefined {
  if (!argocdUrl || !/^https?:\/\//i.test(argocdUrl)) return undefined;
  const base = argocdUrl.replace(/\/+$/, "");
  const parts = namespace ? [namespace, name] : [name];
  return `${base}/applications/${parts.map(encodeURIComponent).join("/")}`;
}

/** The first problem zod found, as `field: what was expected`. */
export function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "the body is not valid";
  const field = issue.path.length > 0 ? issue.path.join(".") : "the body";
  return `${field}: ${issue.message}`;
}

type Source = z.infer<typeof sourceSchema>;

/** What both readings of an application (a notification's body, the API's item) say, flat and validated. */
export interface ArgocdFields {
  readonly application: string;
  readonly namespace?: string | undefined;
  readonly project?: string | undefined;
  readonly labels?: Record<string, string | undefined> | undefined;
  readonly source?: Source | undefined;
  readonly sources?: readonly Source[] | undefined;
  readonly revision?: string | undefined;
  readonly syncStatus?: string | undefined;
  readonly healthStatus?: string | undefined;
  readonly healthMessage?: string | undefined;
  readonly operationPhase?: string | undefined;
  readonly operationMessage?: string | undefined;
  readonly images?: readonly string[] | undefined;
  /** When the last operation finished (RFC 3339). */
  readonly finishedAt?: string | undefined;
  /** When the application's health last changed (`status.health.lastTransitionTime`, RFC 3339). */
  readonly healthSince?: string | undefined;
  /** Argo CD's base URL, for the link to the application. */
  readonly argocdUrl?: string | undefined;
}

/**
 * The Observation those fields make; an absent sync or health status is `Unknown`. Its time is when
 * what it says began: a failed sync when the operation finished, a health state when the health last
 * changed; else when it reached the app (`fallbackAt`), never earlier than the app can tell. A sync's
 * end is not the health's start: pods may take minutes to become ready, or fail hours later.
 */
export function toObservation(
  fields: ArgocdFields,
  fallbackAt: number,
  via: Observation["via"],
): Observation {
  return {
    application: fields.application,
    namespace: fields.namespace,
    project: fields.project,
    labels: toLabels(fields.labels),
    sources: toSources(fields.source, fields.sources),
    revision: fields.revision,
    syncStatus: fields.syncStatus ?? "Unknown",
    healthStatus: fields.healthStatus ?? "Unknown",
    healthMessage: fields.healthMessage,
    operationPhase: fields.operationPhase,
    operationMessage: fields.operationMessage,
    images: fields.images,
    observedAt:
      fields.operationPhase === "Failed" || fields.operationPhase === "Error"
        ? timeOr(fields.finishedAt, fallbackAt)
        : timeOr(fields.healthSince, fallbackAt),
    url: applicationUrl(fields.argocdUrl, fields.namespace, fields.application),
    via,
  };
}
