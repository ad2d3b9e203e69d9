import { readManifestsHistory, HISTORY_MAX_PAGES } from "../adapters/github/manifests-history.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import { deployHistory, type Deployment, type HistoryCommit } from "../core/dora/deploy-history.js";
import { doraFigures, type DoraFigures } from "../core/dora/dora-figures.js";

/** The window the dashboard and `/metrics` show. */
export const DELIVERY_WINDOW_DAYS = 30;
const DAY_MS = 86_400_000;

export interface Delivery {
  readonly figures: readonly DoraFigures[];
  /** The history read stopped at its page limit: the oldest part of the window is not counted. */
  readonly truncated: boolean;
  /** Deployments commits made without listing them (`Deploys-Omitted`). */
  readonly omitted: number;
}

interface Cached {
  readonly headOid: string;
  readonly since: number;
  readonly commits: readonly HistoryCommit[];
  readonly truncated: boolean;
}

/**
 * The delivery figures (DORA) of manifests repositories, read from each deployed branch's history: read
 * again only when the head moved (cached by head oid) and within the request budget the caller leaves;
 * lead times of deployments that reached the branch since this process started are reported once each
 * (`onLeadTime`: the `to="branch"` histogram).
 */
export class DeliveryFigures {
  readonly #cache = new Map<string, Cached>();
  readonly #seen = new Set<string>();

  constructor(
    private readonly options: {
      readonly startedAt: number;
      readonly onLeadTime?: (environment: string, seconds: number) => void;
    },
  ) {}

  /**
   * The figures of the last `DELIVERY_WINDOW_DAYS` days per environment; undefined when the history
   * could not be read (no budget left and nothing cached, or no such branch).
   */
  async figures(
    octokit: Octokit,
    repo: RepoId,
    input: {
      readonly branch: string;
      readonly headOid: string;
      readonly environments: readonly string[];
      readonly now: number;
      /** Requests the caller can still spend. */
      readonly budget: number;
    },
  ): Promise<{ delivery: Delivery | undefined; requests: number }> {
    const key = repoKey(repo);
    const since = input.now - DELIVERY_WINDOW_DAYS * DAY_MS;
    let cached = this.#cache.get(key);
    let requests = 0;
    if ((cached?.headOid !== input.headOid || cached.since > since) && input.budget > 0) {
      const read = await readManifestsHistory(
        octokit,
        repo,
        input.branch,
        since,
        Math.min(HISTORY_MAX_PAGES, input.budget),
      );
      requests = read.requests;
      if (read.headOid !== undefined) {
        cached = { headOid: read.headOid, since, commits: read.commits, truncated: read.truncated };
        this.#cache.set(key, cached);
      }
    }
    if (!cached) return { delivery: undefined, requests };
    const history = deployHistory(cached.commits, cached.headOid);
    this.#report(
      key,
      history.steps.flatMap((step) => step.deployments),
    );
    return {
      delivery: {
        figures: doraFigures(history, { since, until: input.now, environments: input.environments }),
        truncated: cached.truncated,
        omitted: history.omitted,
      },
      requests,
    };
  }

  /** Lead times of deployments new to this process, each once. */
  #report(key: string, deployments: readonly Deployment[]): void {
    for (const deployment of deployments) {
      // Commit dates have whole seconds: a deployment in the second the process started counts.
      if (deployment.at < Math.floor(this.options.startedAt / 1000) * 1000) continue;
      const id = `${key}\n${deployment.oid}\n${deployment.environment}\n${deployment.image}`;
      if (this.#seen.has(id)) continue;
      this.#seen.add(id);
      if (deployment.rollback || deployment.sourceCommittedAt === undefined) continue;
      this.options.onLeadTime?.(
        deployment.environment,
        Math.max(0, (deployment.at - deployment.sourceCommittedAt) / 1000),
      );
    }
  }
}
