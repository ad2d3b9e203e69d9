import type { Logger } from "probot";
import type { EnvironmentObservation } from "../core/feedback/observation.js";
import type { HealthChange, HealthLedger } from "./health-ledger.js";

/**
 * Reacts to one observation: `changes` are the images whose tag or state it changed in the ledger
 * (empty for a repeat, which a listener may still use, e.g. to move a gate's clock).
 */
export type ObservationListener = (
  observed: EnvironmentObservation,
  changes: readonly HealthChange[],
) => Promise<void>;

/**
 * The feedback pipeline's entry: every observation (Argo CD Notifications, Argo CD's API) is recorded
 * in the health ledger, then each listener (deployments and statuses, gates, reactions to Degraded)
 * sees it, in order. A listener that fails is logged and does not stop the others.
 */
export class FeedbackHub {
  private readonly listeners: ObservationListener[] = [];

  constructor(
    readonly ledger: HealthLedger,
    private readonly log: Logger,
  ) {}

  listen(listener: ObservationListener): void {
    this.listeners.push(listener);
  }

  async observe(observed: readonly EnvironmentObservation[]): Promise<void> {
    for (const one of observed) {
      const changes = this.ledger.record(one);
      for (const listener of this.listeners) {
        try {
          await listener(one, changes);
        } catch (error) {
          this.log.error(
            {
              err: error,
              repo: `${one.manifests.owner}/${one.manifests.name}`,
              environment: one.environment,
              application: one.observation.application,
            },
            "an observation could not be applied",
          );
        }
      }
    }
  }
}
