import type { Octokit } from "../adapters/github/octokit.js";
import { repoKey } from "../adapters/github/octokit.js";
import type { Logger } from "../services/deployer.js";
import type { ManifestsRegistry } from "../services/manifests-registry.js";
import type { Reconciler } from "../services/reconciler.js";

export interface SchedulerDeps {
  /** The installations of the app (an app-authenticated listing). */
  readonly installations: () => Promise<readonly number[]>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly registry: ManifestsRegistry;
  readonly reconciler: Reconciler;
  readonly log: Logger;
  readonly now: () => number;
  readonly random: () => number;
  /** How often it looks for passes that are due. */
  readonly tickMs: number;
}

/** Up to 10% either way, so that many repositories (and replicas) do not all pass at the same second. */
const JITTER = 0.1;

/**
 * The in-process schedule of reconciliation passes: every tick it finds the manifests repositories
 * whose `reconcile.intervalMinutes` has passed (with jitter) and runs one pass per installation for
 * them, never two at once for an installation. A pass is also due right after the app starts, so a
 * restart catches up on what it missed while it was down.
 */
export class Scheduler {
  private readonly next = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One look for due passes (a tick still running is joined, not doubled). */
  tick(): Promise<void> {
    this.ticking ??= this.due().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async due(): Promise<void> {
    let installations: readonly number[];
    try {
      installations = await this.deps.installations();
    } catch (error) {
      this.deps.log.error({ err: error }, "could not list the app's installations: no reconciliation now");
      return;
    }
    for (const installationId of installations) {
      try {
        const octokit = await this.deps.auth(installationId);
        const now = this.deps.now();
        const due = (await this.deps.registry.list(installationId, octokit)).filter((repo) => {
          if (!repo.config.ok || repo.config.config.reconcile.intervalMinutes === 0) return false;
          return now >= (this.next.get(`${installationId}:${repoKey(repo)}`) ?? 0);
        });
        if (due.length === 0) continue;
        for (const repo of due) {
          if (!repo.config.ok) continue;
          const interval = repo.config.config.reconcile.intervalMinutes * 60_000;
          const jitter = 1 - JITTER + 2 * JITTER * this.deps.random();
          this.next.set(`${installationId}:${repoKey(repo)}`, now + Math.round(interval * jitter));
        }
        await this.deps.reconciler.installation(installationId, due);
      } catch (error) {
        this.deps.log.error({ err: error, installationId }, "a scheduled reconciliation failed");
      }
    }
  }
}
