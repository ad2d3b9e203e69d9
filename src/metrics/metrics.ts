import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { CommandKind } from "../commands/parse-commands.js";
import type { SkipReason } from "../core/plan/skip.js";
import type { DoraFigures } from "../core/dora/dora-figures.js";
import type { ArrivedTrigger, LatencyLanding } from "./build-latency.js";
import {
  BATCH_FAILURES,
  NO_RESPONSE_STATUS,
  errorAnswer,
  githubLimit,
  type BatchFailure,
  type ResponseHeaders,
} from "./github-limit.js";

export { NO_RESPONSE_STATUS, type BatchFailure, type ResponseHeaders };

const PREFIX = "gitops_image_bot_";

/** How a written update landed: straight on the branch, or through a pull request. */
export type UpdateLanding = "commit" | "pull-request";
/** What the app did to one of its pull requests. */
export type PullRequestAction = "opened" | "updated" | "merged" | "closed";
/** How a reconciliation pass ended: every repository checked, some skipped, or the pass failed. */
export type ReconcileResult = "complete" | "incomplete" | "failed";
/** What became of a slash command: done, failed (GitHub or config), denied (permission), invalid (usage). */
export type CommandOutcome = "done" | "failed" | "denied" | "invalid";

/** The part of an Octokit client `observeOctokit` uses: its `request` hooks (see before-after-hook). */
export interface ObservableOctokit {
  readonly hook: {
    after(
      name: "request",
      hook: (
        response: { status: number; headers: ResponseHeaders; data?: unknown },
        options: { method: string },
      ) => void,
    ): void;
    error(name: "request", hook: (error: unknown, options: { method: string }) => unknown): void;
  };
}

/** Where a lead time ends: the deployment commit on the branch (git), or Argo CD reporting it Healthy. */
export type LeadTimeEnd = "branch" | "healthy";

/** Buckets for lead time: 1 min to 30 days. */
const LEAD_TIME_BUCKETS = [60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400, 259200, 604800, 2592000];

/** Buckets for build-to-commit latency: 1 s to 1 h (a batch window is seconds, a paced burst minutes). */
const BUILD_TO_COMMIT_BUCKETS = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1200, 1800, 3600];

/** The label every metric carries with the replica's id (`REPLICA_ID`, else the pod's name). */
export const REPLICA_LABEL = "replica";

/** What the deploy queue says at a scrape: jobs waiting, and the age of the oldest (undefined: none waits). */
export interface QueueFigures {
  readonly depth: number;
  readonly oldestAgeMs: number | undefined;
}

/** A scrape's read of the queue; `ageSeconds` undefined: the reader does not know ages (`setQueueDepth`). */
interface QueueRead {
  readonly depth: number;
  readonly ageSeconds: number | undefined;
}

/** How long a scrape waits for the queue's figures (a Redis that does not answer) before keeping the last. */
const QUEUE_READ_TIMEOUT_MS = 2000;

export interface MetricsOptions {
  /** Which replica this is: every metric gets the label `replica` with it (none when undefined). */
  readonly replica?: string | undefined;
  /** How long a scrape waits for the queue's figures before keeping the last (default 2 s). */
  readonly queueReadTimeoutMs?: number;
}

/** Buckets for a reconciliation pass: 0.1 s to 10 min. */
const RECONCILE_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one, so tests and
 * several app instances in one process do not collide), with node's process metrics. Callers use the
 * typed methods below and never prom-client. Label values are small fixed sets (event names, environment
 * names, reasons, HTTP method and status code), never URLs, repositories or SHAs.
 */
export class Metrics {
  readonly #registry = new Registry();
  readonly #observed = new WeakSet<object>();
  #readQueue: (() => Promise<QueueRead>) | undefined;
  /** The read of the scrape in progress: both queue gauges share one. */
  #queueRead: Promise<QueueRead | undefined> | undefined;
  /** The last 30-day figures per manifests repository (key) and environment, combined at scrape time. */
  readonly #dora = new Map<string, readonly DoraFigures[]>();

  readonly #webhookEvents = new Counter({
    name: `${PREFIX}webhook_events_received_total`,
    help: "Webhook deliveries received with a valid signature, by event name.",
    labelNames: ["event"] as const,
    registers: [this.#registry],
  });
  readonly #updatesWritten = new Counter({
    name: `${PREFIX}updates_written_total`,
    help: "Image updates written to a manifests repository, by environment and landing (commit or pull-request).",
    labelNames: ["environment", "landing"] as const,
    registers: [this.#registry],
  });
  readonly #updatesSkipped = new Counter({
    name: `${PREFIX}updates_skipped_total`,
    help: "Image updates not written, by skip reason (older-than-deployed, held, frozen, already-deployed, ...).",
    labelNames: ["reason"] as const,
    registers: [this.#registry],
  });
  readonly #commits = new Counter({
    name: `${PREFIX}commits_total`,
    help: "Commits the app created in manifests repositories.",
    registers: [this.#registry],
  });
  readonly #pullRequests = new Counter({
    name: `${PREFIX}pull_requests_total`,
    help: "Changes the app made to its pull requests, by action (opened, updated, merged, closed).",
    labelNames: ["action"] as const,
    registers: [this.#registry],
  });
  readonly #githubRequests = new Counter({
    name: `${PREFIX}github_requests_total`,
    help: `GitHub API requests (REST and GraphQL) answered, by HTTP method, status code (${NO_RESPONSE_STATUS}: no response) and the rate limit the answer says was hit (limit: secondary, primary or none). A request retried by Octokit counts once, with its final status.`,
    labelNames: ["method", "status", "limit"] as const,
    registers: [this.#registry],
  });
  readonly #rateLimitRemaining = new Gauge({
    name: `${PREFIX}github_rate_limit_remaining`,
    help: "Requests left in GitHub's rate-limit window, by resource (core, graphql, ...), from the last response's x-ratelimit-remaining header.",
    labelNames: ["resource"] as const,
    registers: [this.#registry],
  });
  readonly #driftFound = new Counter({
    name: `${PREFIX}reconcile_drift_found_total`,
    help: "Images a reconciliation pass found deployed at a different tag than wanted.",
    registers: [this.#registry],
  });
  readonly #driftRepaired = new Counter({
    name: `${PREFIX}reconcile_drift_repaired_total`,
    help: "Drifted images a reconciliation pass wrote back to the wanted tag.",
    registers: [this.#registry],
  });
  readonly #reconcilePasses = new Counter({
    name: `${PREFIX}reconcile_passes_total`,
    help: "Reconciliation passes finished, by result (complete, incomplete, failed).",
    labelNames: ["result"] as const,
    registers: [this.#registry],
  });
  readonly #reconcileDuration = new Histogram({
    name: `${PREFIX}reconcile_pass_duration_seconds`,
    help: "How long a reconciliation pass took, in seconds.",
    buckets: RECONCILE_BUCKETS,
    registers: [this.#registry],
  });
  readonly #commands = new Counter({
    name: `${PREFIX}commands_total`,
    help: "Slash commands run, by command and result (done, failed, denied, invalid).",
    labelNames: ["command", "result"] as const,
    registers: [this.#registry],
  });

  readonly #buildToCommit = new Histogram({
    name: `${PREFIX}build_to_commit_seconds`,
    help: "Seconds from the app receiving a build (webhook or POST /api/builds) to a change carrying it on the deployed branch (landing: commit, or a pull-request the app merged at once), by trigger.",
    labelNames: ["trigger", "landing"] as const,
    buckets: BUILD_TO_COMMIT_BUCKETS,
    registers: [this.#registry],
  });
  readonly #batchesFailed = new Counter({
    name: `${PREFIX}batches_failed_total`,
    help: "Deploy batches that failed for good (their builds wait for the next build or reconciliation pass), by reason: rate-limit, github, network, other.",
    labelNames: ["reason"] as const,
    registers: [this.#registry],
  });

  readonly #leadTime = new Histogram({
    name: `${PREFIX}lead_time_seconds`,
    help: 'Lead time for changes, in seconds, from the source commit to the deployment commit on the manifests branch (to="branch", read from git) or to Argo CD reporting it Healthy (to="healthy"), by environment.',
    labelNames: ["environment", "to"] as const,
    buckets: LEAD_TIME_BUCKETS,
    registers: [this.#registry],
  });

  constructor(options: MetricsOptions = {}) {
    if (options.replica !== undefined) this.#registry.setDefaultLabels({ [REPLICA_LABEL]: options.replica });
    this.#doraGauges();
    this.#queueGauges(options.queueReadTimeoutMs ?? QUEUE_READ_TIMEOUT_MS);
    collectDefaultMetrics({ register: this.#registry });
    // Series with a known, fixed set of label values start at 0, so rate() and absent() work from the start.
    for (const action of ["opened", "updated", "merged", "closed"] satisfies PullRequestAction[]) {
      this.#pullRequests.inc({ action }, 0);
    }
    for (const result of ["complete", "incomplete", "failed"] satisfies ReconcileResult[]) {
      this.#reconcilePasses.inc({ result }, 0);
    }
    for (const reason of BATCH_FAILURES) this.#batchesFailed.inc({ reason }, 0);
  }

  /** The Content-Type of `text()`: Prometheus text exposition format 0.0.4. */
  get contentType(): string {
    return this.#registry.contentType;
  }

  /** Every metric in the Prometheus text exposition format (runs the scrape-time callbacks). */
  text(): Promise<string> {
    return this.#registry.metrics();
  }

  /** A webhook delivery passed the signature check (`event`: the `x-github-event` name). */
  webhookReceived(event: string): void {
    this.#webhookEvents.inc({ event });
  }

  /** An image update reached an environment's files (one per environment and image). */
  updateWritten(environment: string, landing: UpdateLanding): void {
    this.#updatesWritten.inc({ environment, landing });
  }

  /** An image update was not written, and why. */
  updateSkipped(reason: SkipReason): void {
    this.#updatesSkipped.inc({ reason });
  }

  /** The app created a commit in a manifests repository (directly or on a pull request's branch). */
  commit(): void {
    this.#commits.inc();
  }

  pullRequest(action: PullRequestAction): void {
    this.#pullRequests.inc({ action });
  }

  /**
   * GitHub answered a request: counts it by method, status (a number, or `NO_RESPONSE_STATUS`) and the
   * rate limit the answer (headers and `body`) says was hit, and, when the headers carry
   * `x-ratelimit-remaining`, records it for `x-ratelimit-resource` ("unknown" without it).
   */
  githubResponse(
    method: string,
    status: number | typeof NO_RESPONSE_STATUS,
    headers?: ResponseHeaders,
    body?: unknown,
  ): void {
    const limit = status === NO_RESPONSE_STATUS ? "none" : githubLimit(status, headers, body);
    this.#githubRequests.inc({ method: method.toUpperCase(), status: String(status), limit });
    const remaining = Number(headers?.["x-ratelimit-remaining"] ?? Number.NaN);
    if (!Number.isFinite(remaining)) return;
    const resource = headers?.["x-ratelimit-resource"];
    this.#rateLimitRemaining.set(
      { resource: resource === undefined ? "unknown" : String(resource) },
      remaining,
    );
  }

  /** How to read the queue's depth; called at every scrape (a throwing or non-finite read keeps the last value). */
  setQueueDepth(read: () => number): void {
    this.#readQueue = async () => ({ depth: read(), ageSeconds: undefined });
  }

  /**
   * How to read the deploy queue's figures (the shared queue's depth and its oldest waiting job's age):
   * called once per scrape for both gauges. A read that fails, or does not answer within 2 s, keeps
   * the last values; no waiting job is an age of 0.
   */
  setQueueFigures(read: () => Promise<QueueFigures>): void {
    this.#readQueue = async () => {
      const { depth, oldestAgeMs } = await read();
      return { depth, ageSeconds: Math.max(0, oldestAgeMs ?? 0) / 1000 };
    };
  }

  /** A build the app received landed on the deployed branch `seconds` after it arrived. */
  buildLanded(trigger: ArrivedTrigger, landing: LatencyLanding, seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.#buildToCommit.observe({ trigger, landing }, seconds);
  }

  /** A deploy batch failed for good (`batchFailure(error)` says why). */
  batchFailed(reason: BatchFailure): void {
    this.#batchesFailed.inc({ reason });
  }

  /** A reconciliation pass ended after `seconds`, having found `found` drifted images and repaired `repaired`. */
  reconcilePass(result: ReconcileResult, seconds: number, found: number, repaired: number): void {
    this.#reconcilePasses.inc({ result });
    if (Number.isFinite(seconds) && seconds >= 0) this.#reconcileDuration.observe(seconds);
    if (Number.isFinite(found) && found > 0) this.#driftFound.inc(found);
    if (Number.isFinite(repaired) && repaired > 0) this.#driftRepaired.inc(repaired);
  }

  /** A deployment's lead time: `to` "branch" from the manifests history, "healthy" from Argo CD. */
  leadTimeObserved(environment: string, seconds: number, to: LeadTimeEnd): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.#leadTime.observe({ environment, to }, seconds);
  }

  /** The 30-day delivery figures of one manifests repository (`key`), as its last pass computed them. */
  doraFigures(key: string, figures: readonly DoraFigures[]): void {
    this.#dora.set(key, figures);
  }

  /**
   * Gauges per environment of the 30-day figures, read at scrape time. Several manifests repositories
   * with an environment of the same name add up: counts and the failure rate exactly; the medians are
   * the largest of the repositories' (label values are never repositories).
   */
  #doraGauges(): void {
    const per = (pick: (merged: MergedDora) => number | undefined) =>
      function collect(this: Gauge<"environment">): void {
        this.reset();
        for (const merged of mergeDora(readDora())) {
          const value = pick(merged);
          if (value !== undefined && Number.isFinite(value))
            this.set({ environment: merged.environment }, value);
        }
      };
    const readDora = () => [...this.#dora.values()].flat();
    const gauge = (name: string, help: string, pick: (merged: MergedDora) => number | undefined) =>
      new Gauge({
        name: `${PREFIX}${name}`,
        help,
        labelNames: ["environment"] as const,
        registers: [this.#registry],
        collect: per(pick),
      });
    gauge(
      "dora_deployments",
      "Deployments in the last 30 days (commits on the manifests branch that changed an image's tag), by environment.",
      (m) => m.deployments,
    );
    gauge(
      "dora_deployments_per_day",
      "Deployment frequency over the last 30 days, per day, by environment.",
      (m) => m.perDay,
    );
    gauge(
      "dora_failed_deployments",
      "Deployments of the last 30 days followed by a rollback or a Degraded hold, by environment.",
      (m) => m.failed,
    );
    gauge(
      "dora_change_failure_rate",
      "Change failure rate over the last 30 days (failed / deployments), by environment.",
      (m) => (m.deployments > 0 ? m.failed / m.deployments : undefined),
    );
    gauge(
      "dora_lead_time_median_seconds",
      "Median lead time for changes over the last 30 days (source commit -> manifests branch), by environment.",
      (m) => m.leadMedian,
    );
    gauge(
      "dora_lead_time_p90_seconds",
      "90th percentile lead time for changes over the last 30 days (source commit -> manifests branch), by environment.",
      (m) => m.leadP90,
    );
    gauge(
      "dora_time_to_restore_median_seconds",
      "Median time to restore over the last 30 days (failed deployment -> next deployment of that image), by environment.",
      (m) => m.restoreMedian,
    );
  }

  /** The deploy queue's depth and oldest job's age, read at scrape time (`setQueueFigures`). */
  #queueGauges(timeoutMs: number): void {
    const figures = (): Promise<QueueRead | undefined> => {
      // One read per scrape: the second gauge's collect joins the first's.
      this.#queueRead ??= readWithin(this.#readQueue, timeoutMs).finally(() => {
        this.#queueRead = undefined;
      });
      return this.#queueRead;
    };
    new Gauge({
      name: `${PREFIX}queue_depth`,
      help: "Builds and commands waiting in the deploy queue (the fleet's, with Redis), read when scraped.",
      registers: [this.#registry],
      async collect() {
        const depth = (await figures())?.depth;
        if (depth !== undefined && Number.isFinite(depth) && depth >= 0) this.set(depth);
      },
    });
    new Gauge({
      name: `${PREFIX}queue_oldest_job_age_seconds`,
      help: "Age in seconds of the oldest job waiting in the deploy queue (0 when none waits), read when scraped.",
      registers: [this.#registry],
      async collect() {
        const age = (await figures())?.ageSeconds;
        if (age !== undefined && Number.isFinite(age)) this.set(age);
      },
    });
  }

  command(name: CommandKind, result: CommandOutcome): void {
    this.#commands.inc({ command: name, result });
  }

  /**
   * Counts every request `octokit` sends (REST and GraphQL, including its own token requests) by method and
   * status, and records the rate-limit headers, through its `request` hooks. Errors are counted with their
   * status (or `NO_RESPONSE_STATUS` when no response came) and rethrown unchanged. Hooks added after
   * Octokit's retry and throttling plugins see each request once, with its final answer. Observing the
   * same client twice counts once.
   */
  observeOctokit(octokit: ObservableOctokit): void {
    if (this.#observed.has(octokit)) return;
    this.#observed.add(octokit);
    octokit.hook.after("request", (response, options) => {
      this.githubResponse(options.method, response.status, response.headers, response.data);
    });
    octokit.hook.error("request", (error, options) => {
      const { status, headers, body } = errorAnswer(error);
      this.githubResponse(options.method, status, headers, body);
      throw error;
    });
  }
}

/** The queue's figures, or undefined when there is no reader, it fails, or it takes longer than `ms`. */
async function readWithin(
  read: (() => Promise<QueueRead>) | undefined,
  ms: number,
): Promise<QueueRead | undefined> {
  if (read === undefined) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
    timer.unref();
  });
  try {
    return await Promise.race([Promise.resolve().then(read), late]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

interface MergedDora {
  readonly environment: string;
  readonly deployments: number;
  readonly perDay: number;
  readonly failed: number;
  readonly leadMedian: number | undefined;
  readonly leadP90: number | undefined;
  readonly restoreMedian: number | undefined;
}

function mergeDora(all: readonly DoraFigures[]): MergedDora[] {
  const byEnvironment = new Map<string, MergedDora>();
  const larger = (a: number | undefined, b: number | undefined) =>
    a === undefined ? b : b === undefined ? a : Math.max(a, b);
  for (const figures of all) {
    const known = byEnvironment.get(figures.environment);
    byEnvironment.set(figures.environment, {
      environment: figures.environment,
      deployments: (known?.deployments ?? 0) + figures.deployments,
      perDay: (known?.perDay ?? 0) + figures.perDay,
      failed: (known?.failed ?? 0) + figures.failed,
      leadMedian: larger(known?.leadMedian, figures.leadTime.median),
      leadP90: larger(known?.leadP90, figures.leadTime.p90),
      restoreMedian: larger(known?.restoreMedian, figures.restore.median),
    });
  }
  return [...byEnvironment.values()];
}
