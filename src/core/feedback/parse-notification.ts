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
  healthSince: absent(z.string()),
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
  const { operationRevision, ...fields } = parsed.data;
  return {
    ok: true,
    observation: toObservation(
      { ...fields, revision: fields.revision ?? operationRevision },
      receivedAt,
      "notification",
    ),
  };
}
