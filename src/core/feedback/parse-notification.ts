import { z } from "zod";
import type { Observation } from "./observation.js";
import {
  absent,
  applicationUrl,
  firstProblem,
  imagesSchema,
  labelsSchema,
  sourceSchema,
  timeOr,
  toLabels,
  toSources,
} from "./argocd-fields.js";

/**
 * The JSON body of the `template.gitops-image-bot` template (deploy/argocd/argocd-notifications-cm.yaml),
 * read permissively: every field but the application's name may be null, `<no value>` or missing, and
 * fields the template may grow later are ignored.
 */
const notificationSchema = z.object({
  application: z.string().min(1),
  namespace: absent(z.string()),
  project: absent(z.string()),
  labels: labelsSchema,
  source: absent(sourceSchema),
  sources: absent(z.array(sourceSchema)),
  revision: absent(z.string()),
  syncStatus: absent(z.string()),
  healthStatus: absent(z.string()),
  healthMessage: absent(z.string()),
  operationPhase: absent(z.string()),
  operationMessage: absent(z.string()),
  operationRevision: absent(z.string()),
  finishedAt: absent(z.string()),
  images: imagesSchema,
  argocdUrl: absent(z.string()),
});

export type NotificationParse =
  { readonly ok: true; readonly observation: Observation } | { readonly ok: false; readonly reason: string };

/**
 * An Argo CD Notifications body (already decoded from JSON) as an Observation. `receivedAt` is the time
 * when the operation's `finishedAt` is absent or not a date. Never throws: an invalid body is a reason.
 */
export function parseNotification(body: unknown, receivedAt: number): NotificationParse {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return { ok: false, reason: "the body: expected a JSON object" };
  const parsed = notificationSchema.safeParse(body);
  if (!parsed.success) return { ok: false, reason: firstProblem(parsed.error) };
  const n = parsed.data;
  return {
    ok: true,
    observation: {
      application: n.application,
      namespace: n.namespace,
      project: n.project,
      labels: toLabels(n.labels),
      sources: toSources(n.source, n.sources),
      revision: n.revision ?? n.operationRevision,
      syncStatus: n.syncStatus ?? "Unknown",
      healthStatus: n.healthStatus ?? "Unknown",
      healthMessage: n.healthMessage,
      operationPhase: n.operationPhase,
      operationMessage: n.operationMessage,
      images: n.images,
      observedAt: timeOr(n.finishedAt, receivedAt),
      url: applicationUrl(n.argocdUrl, n.namespace, n.application),
      via: "notification",
    },
  };
}
