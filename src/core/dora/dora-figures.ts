import type { DeployHistory, Deployment } from "./deploy-history.js";
import { median, percentile } from "./percentile.js";

const DAY_MS = 86_400_000;

/** The four delivery figures (DORA) of one environment over a window. */
export interface DoraFigures {
  readonly environment: string;
  /** Deployments in the window (a commit that changed an image's tag there: rollbacks included). */
  readonly deployments: number;
  /** Deployments per day over the window. */
  readonly perDay: number;
  /** Lead time for changes (seconds, source commit -> on the branch), of deployments whose source time is known. */
  readonly leadTime: {
    readonly count: number;
    readonly median: number | undefined;
    readonly p90: number | undefined;
  };
  /** Deployments of the window that a rollback or a Degraded hold followed. */
  readonly failed: number;
  /** failed / deployments; undefined without deployments. */
  readonly changeFailureRate: number | undefined;
  /** Time to restore (seconds): from a failed deployment to the next deployment of that image there. */
  readonly restore: {
    readonly count: number;
    readonly median: number | undefined;
    /** Failed deployments of the window that nothing has replaced yet. */
    readonly open: number;
  };
}

export interface DoraWindow {
  /** ms since the epoch, both inclusive. */
  readonly since: number;
  readonly until: number;
  /** Environments to report even without deployments (the config's), in order; others follow as found. */
  readonly environments?: readonly string[];
}

interface Tracked {
  readonly deployment: Deployment;
  failed: boolean;
  /** When the next deployment of that (environment, image) came. */
  restoredAt: number | undefined;
}

/**
 * The four figures per environment, for the deployments whose commit reached the branch within the
 * window. A failure mark counts against the newest earlier deployment of its (environment, image) with
 * the failed tag (or, when none has it, the newest earlier one); each deployment fails at most once.
 */
export function doraFigures(history: DeployHistory, window: DoraWindow): DoraFigures[] {
  const all: Tracked[] = [];
  const latest = new Map<string, Tracked[]>();
  for (const step of history.steps) {
    for (const mark of step.failures) {
      const earlier = latest.get(`${mark.environment}\n${mark.image}`) ?? [];
      const target =
        [...earlier].reverse().find((tracked) => tracked.deployment.tag === mark.tag) ?? earlier.at(-1);
      if (target) target.failed = true;
    }
    for (const deployment of step.deployments) {
      const key = `${deployment.environment}\n${deployment.image}`;
      const earlier = latest.get(key) ?? [];
      for (const tracked of earlier)
        if (tracked.failed && tracked.restoredAt === undefined) tracked.restoredAt = deployment.at;
      const tracked: Tracked = { deployment, failed: false, restoredAt: undefined };
      latest.set(key, [...earlier, tracked]);
      all.push(tracked);
    }
  }
  const inWindow = all.filter(
    ({ deployment }) => deployment.at >= window.since && deployment.at <= window.until,
  );
  const names = [...(window.environments ?? [])];
  for (const { deployment } of inWindow)
    if (!names.includes(deployment.environment)) names.push(deployment.environment);
  const days = Math.max(window.until - window.since, 0) / DAY_MS;
  return names.map((environment) => figuresOf(environment, inWindow, days));
}

function figuresOf(environment: string, all: readonly Tracked[], days: number): DoraFigures {
  const mine = all.filter(({ deployment }) => deployment.environment === environment);
  const leads = mine
    .filter(({ deployment }) => !deployment.rollback && deployment.sourceCommittedAt !== undefined)
    .map(({ deployment }) => Math.max(0, (deployment.at - (deployment.sourceCommittedAt ?? 0)) / 1000));
  const failed = mine.filter((tracked) => tracked.failed);
  const restores = failed.flatMap((tracked) =>
    tracked.restoredAt === undefined ? [] : [(tracked.restoredAt - tracked.deployment.at) / 1000],
  );
  return {
    environment,
    deployments: mine.length,
    perDay: days > 0 ? mine.length / days : 0,
    leadTime: { count: leads.length, median: median(leads), p90: percentile(leads, 0.9) },
    failed: failed.length,
    changeFailureRate: mine.length > 0 ? failed.length / mine.length : undefined,
    restore: {
      count: restores.length,
      median: median(restores),
      open: failed.length - restores.length,
    },
  };
}
