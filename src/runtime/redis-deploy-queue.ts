import { randomUUID } from "node:crypto";
import { isRedisUnavailable } from "./redis-errors.js";
import { DelayedError, Queue, WaitingError, Worker, type Job } from "bullmq";
import { DEFAULT_MAX_BATCH, DEFAULT_MAX_WAITING } from "../queue/batch-queue.js";
import type { DeployQueuePort, QueueFigures } from "../routing/deploy-queue-port.js";
import {
  batchFailed,
  DEFAULT_WINDOW_MS,
  queueKey,
  refused,
  type DeployQueueDeps,
} from "../routing/deploy-queue.js";
import type { DeployItem } from "../services/deployer.js";
import type { ManifestsRepo } from "../services/manifests-registry.js";
import { CommandResults } from "./command-results.js";
import { fromWire, queuedAt, toWire } from "./deploy-item-wire.js";
import {
  finishBatch,
  forgetIfEmpty,
  keyNames,
  keysSet,
  pushItem,
  takeBatch,
} from "./deploy-queue-scripts.js";
import type { Fleet } from "./fleet.js";

/** The timings of crash recovery; tests shorten them. */
export interface RecoveryTimings {
  /**
   * A batch's lock (BullMQ's `lockDuration`), renewed every half of it while the batch runs: a replica
   * killed mid-batch loses it this long after its last renewal at most.
   */
  readonly lockMs: number;
  /** How often the replicas look for batches whose lock expired (BullMQ's `stalledInterval`). */
  readonly stalledCheckMs: number;
  /** How often items whose trigger was lost (Redis failed between the two writes) get one again. */
  readonly sweepMs: number;
  /** `close()` leaves a batch still running after this long to another replica. */
  readonly handBackAfterMs: number;
}

/**
 * Lock 10 s, checked every 5 s: a batch whose replica died is running again on another within about
 * lock + 2 checks = 20 s (the issue asks for 30 s). A close hands back after 20 s, inside the app's
 * 40 s grace period (SHUTDOWN_GRACE_SECONDS; the Deployment gives the pod 45 s).
 */
export const DEFAULT_TIMINGS: RecoveryTimings = {
  lockMs: 10_000,
  stalledCheckMs: 5_000,
  sweepMs: 15_000,
  handBackAfterMs: 20_000,
};

export interface RedisDeployQueueOptions extends DeployQueueDeps {
  readonly timings?: Partial<RecoveryTimings>;
  /** Batches of different keys written at once by this replica. */
  readonly concurrency?: number;
  readonly maxBatch?: number;
  readonly maxWaiting?: number;
}

const QUEUE_NAME = "deploy-batches";
const IDLE_POLL_MS = 25;

/**
 * The deploy queue of a fleet, on Redis with BullMQ. Each key's items live in Redis lists
 * (src/runtime/deploy-queue-scripts.ts): waiting in `pending`, moved in one step to `inflight` when a
 * batch starts, deleted when it is done. BullMQ carries one "batch" job per key as the trigger, with
 * `deduplication: { id: key, keepLastIfActive: true }`: at most one such job exists per key (one more is
 * kept aside while it runs and added when it ends), so at most one batch per key runs in the fleet.
 * The job decides: a key whose last batch ended less than a window ago, with fewer than a full batch
 * waiting, waits out the window (`moveToDelayed`); otherwise the batch is taken and run. A replica that
 * dies mid-batch stops renewing the job's lock: BullMQ's stalled-job check puts the job back, and the
 * next replica runs the in-flight items first.
 */
export class RedisDeployQueue implements DeployQueuePort {
  private readonly queue: Queue;
  private readonly worker: Worker;
  private readonly results: CommandResults;
  private readonly timings: RecoveryTimings;
  private readonly maxBatch: number;
  private readonly maxWaiting: number;
  private readonly sweeper: NodeJS.Timeout;
  private closing: Promise<void> | undefined;
  /** Set when closing: a job BullMQ fetched anyway goes back to the queue for another replica. */
  private stopping = false;

  constructor(
    private readonly fleet: Fleet,
    private readonly deps: RedisDeployQueueOptions,
  ) {
    this.timings = { ...DEFAULT_TIMINGS, ...deps.timings };
    this.maxBatch = deps.maxBatch ?? DEFAULT_MAX_BATCH;
    this.maxWaiting = deps.maxWaiting ?? DEFAULT_MAX_WAITING;
    const prefix = fleet.prefix.replace(/:$/, "");
    this.results = new CommandResults(fleet, deps.log);
    // The command connection: an add fails at once while Redis is down (the caller answers 503).
    this.queue = new Queue(QUEUE_NAME, { connection: fleet.redis, prefix });
    this.queue.on("error", () => undefined);
    this.worker = new Worker(
      QUEUE_NAME,
      (job: Job<{ key: string }>, token?: string) => this.process(job, token),
      {
        connection: fleet.connection("deploy-worker"),
        prefix,
        concurrency: deps.concurrency ?? 8,
        lockDuration: this.timings.lockMs,
        stalledInterval: this.timings.stalledCheckMs,
        // A batch may be taken over many times (rolling restarts); it is never failed for it.
        maxStalledCount: 1000,
        name: fleet.replicaId,
      },
    );
    this.worker.on("error", (error) =>
      deps.log.warn({ err: error }, "the deploy queue's worker: Redis error"),
    );
    this.sweeper = setInterval(() => void this.sweep(), this.timings.sweepMs);
    this.sweeper.unref?.();
  }

  readonly enqueue = async (installationId: number, repo: ManifestsRepo, item: DeployItem): Promise<void> => {
    const windowMs =
      this.deps.batchWindowMs ?? (repo.config.ok ? repo.config.config.batchWindowSeconds * 1000 : undefined);
    await this.push(queueKey(installationId, repo), item, windowMs);
  };

  readonly again = (item: DeployItem): Promise<void> =>
    this.push(queueKey(item.installationId, item.repo), item, undefined);

  /** Fleet-wide: no batch job waiting, delayed or running, and no key with items. */
  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts("active", "waiting", "delayed", "prioritized");
      const jobs = Object.values(counts).reduce((sum, count) => sum + count, 0);
      if (jobs === 0 && (await this.fleet.redis.scard(keysSet(this.fleet.prefix))) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS));
    }
  }

  /** Fleet-wide: the items waiting in every key, and the age of the oldest. */
  async figures(): Promise<QueueFigures> {
    const keys = await this.fleet.redis.smembers(keysSet(this.fleet.prefix));
    const pipeline = this.fleet.redis.pipeline();
    for (const key of keys) {
      const { pending } = keyNames(this.fleet.prefix, key);
      pipeline.llen(pending).lindex(pending, 0);
    }
    const replies = (await pipeline.exec()) ?? [];
    let depth = 0;
    let oldest: number | undefined;
    for (let i = 0; i < replies.length; i += 2) {
      depth += Number(replies[i]?.[1] ?? 0);
      const first = replies[i + 1]?.[1];
      const at = typeof first === "string" ? queuedAt(first) : undefined;
      if (at !== undefined && (oldest === undefined || at < oldest)) oldest = at;
    }
    return { depth, oldestAgeMs: oldest === undefined ? undefined : Math.max(0, Date.now() - oldest) };
  }

  /**
   * Takes no new batch, waits for the running ones; after `handBackAfterMs` it stops waiting: a batch
   * still running is left to another replica (its lock expires once this process exits), and so is a
   * close that BullMQ cannot finish while its connections are reconnecting (Redis just came back).
   */
  close(): Promise<void> {
    this.stopping = true;
    this.closing ??= (async () => {
      clearInterval(this.sweeper);
      const closed = (async () => {
        await this.worker.close();
        await this.results.close();
        await this.queue.close();
        return "closed" as const;
      })();
      let timer: NodeJS.Timeout | undefined;
      const handBack = new Promise<"hand-back">((resolve) => {
        timer = setTimeout(() => resolve("hand-back"), this.timings.handBackAfterMs);
      });
      const ended = await Promise.race([closed, handBack]);
      clearTimeout(timer);
      if (ended === "hand-back") {
        this.deps.log.warn(
          {},
          "the deploy queue did not close in time: its batch is handed back to another replica",
        );
        void this.worker.disconnect().catch(() => undefined);
      }
    })();
    return this.closing;
  }

  private async push(key: string, item: DeployItem, windowMs: number | undefined): Promise<void> {
    const id = randomUUID();
    if (item.kind === "command") this.results.expect(id, item.settle);
    try {
      const added = await pushItem(
        this.fleet.redis,
        this.fleet.prefix,
        key,
        toWire(id, Date.now(), item),
        this.maxWaiting,
        windowMs,
      );
      if (!added) {
        this.results.forget(id);
        refused(this.deps.log, key, item);
        return;
      }
      await this.trigger(key);
    } catch (error) {
      // Not queued, or queued without its trigger (the sweep triggers it): the caller says so (503).
      this.results.forget(id);
      throw error;
    }
  }

  /** The key's batch job: added, or (one exists) kept as it is, or (it runs) added again when it ends. */
  private async trigger(key: string): Promise<void> {
    await this.queue.add(
      "batch",
      { key },
      {
        deduplication: { id: key, keepLastIfActive: true },
        removeOnComplete: true,
        removeOnFail: 100,
      },
    );
  }

  private async process(job: Job<{ key: string }>, token: string | undefined): Promise<void> {
    if (this.stopping) {
      // Fetched while this replica closes: another takes it.
      await job.moveToWait(token);
      throw new WaitingError();
    }
    const { key } = job.data;
    const redis = this.fleet.redis;
    const names = keyNames(this.fleet.prefix, key);
    const [inflight, pending, ended, window] = await Promise.all([
      redis.llen(names.inflight),
      redis.llen(names.pending),
      redis.get(names.ended),
      redis.get(names.window),
    ]);
    if (inflight === 0) {
      if (pending === 0) return void (await forgetIfEmpty(redis, this.fleet.prefix, key));
      const windowMs = this.deps.batchWindowMs ?? (window === null ? DEFAULT_WINDOW_MS : Number(window));
      const next = ended === null ? 0 : Number(ended) + windowMs;
      if (next > Date.now() && pending < this.maxBatch) {
        // Company for the key's next batch: it starts a window after the last one ended.
        await job.moveToDelayed(next, token);
        throw new DelayedError();
      }
    }
    const batchId = randomUUID();
    const texts = await takeBatch(redis, this.fleet.prefix, key, this.maxBatch, batchId);
    const items: DeployItem[] = [];
    for (const text of texts) {
      const parsed = fromWire(text, (id) => this.results.settleFor(id));
      if (parsed.ok) items.push(parsed.item);
      else this.deps.log.error({ key, reason: parsed.reason }, "a queued item could not be read: dropped");
    }
    if (items.length > 0)
      try {
        await this.deps.run(items);
      } catch (error) {
        // Redis went away mid-batch: its items stay `inflight` (the job fails, the key's next job or the
        // sweep runs them again); any other failure ends the batch as in one process.
        if (isRedisUnavailable(error)) throw error;
        batchFailed(this.deps, key, error);
      }
    const waiting = await finishBatch(redis, this.fleet.prefix, key, batchId, Date.now());
    // More than this batch took: the key's next job (kept aside while this one runs) takes them.
    if (waiting > 0) await this.trigger(key);
  }

  /** Triggers every key with items (a trigger lost between the two writes of an enqueue, a failed job). */
  private async sweep(): Promise<void> {
    try {
      const keys = await this.fleet.redis.smembers(keysSet(this.fleet.prefix));
      for (const key of keys) {
        const names = keyNames(this.fleet.prefix, key);
        const [pending, inflight] = await Promise.all([
          this.fleet.redis.llen(names.pending),
          this.fleet.redis.llen(names.inflight),
        ]);
        if (pending + inflight > 0) await this.trigger(key);
        else await forgetIfEmpty(this.fleet.redis, this.fleet.prefix, key);
      }
    } catch (error) {
      this.deps.log.debug({ err: error }, "the deploy queue's sweep could not reach Redis");
    }
  }
}
