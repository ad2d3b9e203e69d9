import type { Octokit } from "../../adapters/github/octokit.js";
import { repoKey } from "../../adapters/github/octokit.js";
import type { AlertNotification } from "../../core/alerts/alert.js";
import { ALERT_FREEZER } from "../../core/alerts/alert.js";
import { alertEdits } from "../../core/alerts/alert-edits.js";
import type { CommandItem, Logger } from "../deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "../manifests-registry.js";

export interface AlertFreezerDeps {
  /** The app's installations (cached: `cachedInstallations`). */
  readonly installations: () => Promise<readonly number[]>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly registry: ManifestsRegistry;
  /** The deploy queue, as commands use it: the edits ride in the batch's commit. */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: CommandItem) => Promise<void>;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * Turns Alertmanager notifications into freezes: for each installation and each manifests repository
 * whose `freeze.alerts` rules match an alert, the edits (freeze while firing, lift on resolved) go to
 * the deploy queue as a job without builds, so they land in the batch's one commit, settled against
 * the state file that batch reads; a burst of notifications coalesces as builds do. Notifications are
 * routed one after the other, in the order they came (a firing then a resolved stay in that order).
 */
export class AlertFreezer {
  private routing: Promise<void> = Promise.resolve();
  private sequence = 0;

  constructor(private readonly deps: AlertFreezerDeps) {}

  /** Routes the notification after those before it; resolves when its jobs are queued (not written). */
  receive(notification: AlertNotification): Promise<void> {
    const routed = this.routing.then(() => this.route(notification));
    this.routing = routed.catch(() => undefined);
    return routed;
  }

  private async route(notification: AlertNotification): Promise<void> {
    const { log } = this.deps;
    const group = { groupKey: notification.groupKey, alerts: notification.alerts.length };
    if (notification.truncatedAlerts > 0)
      log.warn(
        { ...group, truncated: notification.truncatedAlerts },
        "Alertmanager left alerts out of the notification (max_alerts): those are not seen; set max_alerts: 0",
      );
    const at = new Date(this.deps.now()).toISOString();
    const id = `${ALERT_FREEZER}:${++this.sequence}`;
    let queued = 0;
    for (const installationId of await this.deps.installations()) {
      const repos = await this.deps.registry.list(installationId, await this.deps.auth(installationId));
      for (const repo of repos) {
        if (!repo.config.ok || repo.config.config.freeze.alerts.length === 0) continue;
        const { config } = repo.config;
        const decision = alertEdits(notification, config.freeze.alerts, Object.keys(config.environments), at);
        const where = { ...group, repo: repoKey(repo) };
        for (const { fingerprint, names } of decision.unknown)
          log.info(
            { ...where, alert: fingerprint, names },
            "the alert's gitops_image_bot_freeze label names environments this repository does not have: ignored",
          );
        if (decision.edits.length === 0) continue;
        queued++;
        await this.deps.enqueue(installationId, repo, {
          kind: "command",
          installationId,
          repo: { owner: repo.owner, name: repo.name },
          job: { id: `${id}:${repoKey(repo)}`, by: ALERT_FREEZER, edits: decision.edits, wanted: [] },
          settle: (result) => {
            if (result.kind === "failed")
              log.warn({ ...where, reason: result.message }, "the alert's freezes could not be written");
            else
              log.info(
                { ...where, commit: result.stateLanding?.label },
                result.stateLanding
                  ? "the alert's freezes were written"
                  : "the alert's freezes were already so",
              );
          },
        });
      }
    }
    log.info({ ...group, repositories: queued }, "Alertmanager notification routed");
  }
}
