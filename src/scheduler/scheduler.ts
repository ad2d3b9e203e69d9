import type { Octokit } from "../adapters/github/octokit.js";
import { repoKey } from "../adapters/github/octokit.js";
import type { Logger } from "../services/deployer.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";
import type { Reconciler } from "../services/reconciler.js";
import { MemoryPassSchedule, type PassSchedule } from "./pass-schedule.js";

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
  /** When each repository's pass is next due: in this process (default), or the fleet's (Redis). */
  readonly schedule?: PassSchedule;
}

/** Up to 10% either way, so that many repositories (and replicas) do not all pass at the same second. */
const JITTER = 0.1;

/**
 * The in-process schedule of reconciliation passes: every tick it finds the manifests repositories
 * whose `reconcile.intervalMinutes` has passed (with jitter) and runs one pass per installation for
 * them, never two at once for an installation. A pass is also due right after the app starts, so a
 * restart catches up on what it missed while it was down. With the fleet's schedule a repository's
 * pass is claimed by one replica per interval, and a start catches up only when no replica passed.
 */
export class Scheduler {
  private readonly schedule: PassSchedule;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.schedule = deps.schedule ?? new MemoryPassSchedule();
  }

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
        const due: ManifestsRepo[] = [];
        const claimed: string[] = [];
        for (const repo of await this.deps.registry.list(installationId, octokit)) {
          if (!repo.config.ok || repo.config.config.reconcile.intervalMinutes === 0) continue;
          const interval = repo.config.config.reconcile.intervalMinutes * 60_000;
          const jitter = 1 - JITTER + 2 * JITTER * this.deps.random();
          const next = now + Math.round(interval * jitter);
          const key = `${installationId}:${repoKey(repo)}`;
          if (!(await this.schedule.claim(key, now, next))) continue;
          due.push(repo);
          claimed.push(key);
        }
        if (due.length === 0) continue;
        const pass = await this.deps.reconciler.installation(installationId, due);
        // Another pass held the installation (here or on another replica): these are due at the next tick.
        if (pass.kind === "busy") for (const key of claimed) await this.schedule.release(key);
      } catch (error) {
        this.deps.log.error({ err: error, installationId }, "a scheduled reconciliation failed");
      }
    }
  }
}
