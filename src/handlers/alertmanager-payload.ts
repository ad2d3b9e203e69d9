import { z } from "zod";
import type { AlertNotification } from "../core/alerts/alert.js";

/** Alerts one notification may carry: Alertmanager sends a group's alerts in one message (`max_alerts`: 0 = all). */
export const MAX_ALERTS = 10_000;

const labelSet = z.record(z.string(), z.string());

/**
 * Permissive schema of Alertmanager's webhook payload, version 4: only the fields the app reads,
 * anything else Alertmanager adds (groupLabels, notification_reason ...) is let through unread.
 */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal("4", { error: 'version must be "4" (Alertmanager\'s webhook payload version)' }),
  groupKey: z.string(),
  receiver: z.string().optional().default(""),
  externalURL: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional().default(0),
  alerts: z
    .array(
      z.object({
        status: z.enum(["firing", "resolved"]),
        labels: labelSet,
        annotations: labelSet.optional().default({}),
        generatorURL: z.string().optional(),
        fingerprint: z
          .string()
          .regex(/^[\x21-\x7e]{1,128}$/, "a fingerprint: 1 to 128 printable characters without spaces"),
      }),
    )
    .max(MAX_ALERTS),
});

export type NotificationParse =
  | { readonly ok: true; readonly notification: AlertNotification }
  | { readonly ok: false; readonly invalid: string };

/** A decoded JSON body as the app's AlertNotification, or why it is not one (path and message). */
export function notificationFromPayload(body: unknown): NotificationParse {
  const parsed = alertmanagerPayloadSchema.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    return { ok: false, invalid: `${where}${issue?.message ?? "not an Alertmanager notification"}` };
  }
  const { data } = parsed;
  return {
    ok: true,
    notification: {
      groupKey: data.groupKey,
      receiver: data.receiver,
      externalURL: data.externalURL,
      truncatedAlerts: data.truncatedAlerts,
      alerts: data.alerts.map((alert) => ({
        status: alert.status,
        labels: alert.labels,
        annotations: alert.annotations,
        fingerprint: alert.fingerprint,
        generatorURL: alert.generatorURL === "" ? undefined : alert.generatorURL,
      })),
    },
  };
}
