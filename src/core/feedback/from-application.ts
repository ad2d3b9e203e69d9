import { z } from "zod";
import type { Observation } from "./observation.js";
import {
  absent,
  firstProblem,
  imagesSchema,
  labelsSchema,
  sourceSchema,
  toObservation,
} from "./argocd-fields.js";

/** The part of Argo CD's `v1alpha1Application` the app reads (swagger: definitions.v1alpha1Application). */
const applicationSchema = z.object({
  metadata: z.object({
    name: z.string().min(1),
    namespace: absent(z.string()),
    labels: labelsSchema,
  }),
  spec: absent(
    z.object({
      project: absent(z.string()),
      source: absent(sourceSchema),
      sources: absent(z.array(sourceSchema)),
    }),
  ),
  status: absent(
    z.object({
      sync: absent(
        z.object({
          status: absent(z.string()),
          revision: absent(z.string()),
          revisions: absent(z.array(z.string())),
        }),
      ),
      health: absent(
        z.object({
          status: absent(z.string()),
          message: absent(z.string()),
          lastTransitionTime: absent(z.string()),
        }),
      ),
      operationState: absent(
        z.object({
          phase: absent(z.string()),
          message: absent(z.string()),
          finishedAt: absent(z.string()),
          syncResult: absent(z.object({ revision: absent(z.string()) })),
        }),
      ),
      summary: absent(z.object({ images: imagesSchema })),
    }),
  ),
});

/** `GET /api/v1/applications`'s answer (v1alpha1ApplicationList): `items` is null when there are none. */
const listSchema = z.object({ items: absent(z.array(z.unknown())) });

export type ApplicationParse =
  { readonly ok: true; readonly observation: Observation } | { readonly ok: false; readonly reason: string };

/**
 * One application as Argo CD's API returns it, as an Observation observed at the sync's end when
 * known, else at `polledAt`. `argocdUrl` (the server's base URL) makes the link for people.
 */
export function fromApplication(item: unknown, polledAt: number, argocdUrl?: string): ApplicationParse {
  const parsed = applicationSchema.safeParse(item);
  if (!parsed.success) return { ok: false, reason: firstProblem(parsed.error) };
  const { metadata, spec, status } = parsed.data;
  const operation = status?.operationState;
  const observation = toObservation(
    {
      application: metadata.name,
      namespace: metadata.namespace,
      project: spec?.project,
      labels: metadata.labels,
      source: spec?.source,
      sources: spec?.sources,
      // A multi-source application has `revisions` (one per source) instead of `revision`.
      revision: status?.sync?.revision ?? status?.sync?.revisions?.[0] ?? operation?.syncResult?.revision,
      syncStatus: status?.sync?.status,
      healthStatus: status?.health?.status,
      healthMessage: status?.health?.message,
      operationPhase: operation?.phase,
      operationMessage: operation?.message,
      images: status?.summary?.images,
      finishedAt: operation?.finishedAt,
      healthSince: status?.health?.lastTransitionTime,
      argocdUrl,
    },
    polledAt,
    "api",
  );
  return { ok: true, observation };
}

/** The items of an application list, or the reason it is not one. */
export function applicationItems(
  body: unknown,
): { ok: true; items: unknown[] } | { ok: false; reason: string } {
  const parsed = listSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: firstProblem(parsed.error) };
  return { ok: true, items: parsed.data.items ?? [] };
}
