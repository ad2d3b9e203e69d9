/**
 * What the app reads of an Alertmanager webhook notification (payload version 4): the fields it uses,
 * checked at the edge (src/handlers/alertmanager-payload.ts). Labels and annotations are untrusted text.
 */
export interface Alert {
  readonly status: "firing" | "resolved";
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Identifies the alert across notifications: a freeze names it, and only its `resolved` lifts it. */
  readonly fingerprint: string;
  /** The entity that caused the alert (a Prometheus graph), if any. */
  readonly generatorURL: string | undefined;
}

export interface AlertNotification {
  readonly groupKey: string;
  readonly receiver: string;
  /** Backlink to the Alertmanager. */
  readonly externalURL: string | undefined;
  /** Alerts left out by the receiver's `max_alerts`. */
  readonly truncatedAlerts: number;
  readonly alerts: readonly Alert[];
}

/** The label that names the environments to freeze (comma-separated) when a rule names none. */
export const FREEZE_LABEL = "gitops_image_bot_freeze";

/** Who a freeze placed by an alert is by, in the state file. */
export const ALERT_FREEZER = "alertmanager";
