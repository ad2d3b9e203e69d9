import { Queue, Worker, type Job } from "bullmq";
import type { Octokit } from "../adapters/github/octokit.js";
import type { Build } from "../core/plan/build.js";
import type { Fleet } from "../runtime/fleet.js";

/** Routes one build of an installation to the deploy queues of the manifests repositories that deploy it. */
export type RouteBuild = (installationId: number, build: Build, octokit: Octokit) => Promise<void>;

interface IntakeLog {
  error(object: object, message: string): void;
}

/**
 * Where a build's webhook hands the build before it is answered. `accept` resolves once the build will be
 * routed; with the fleet, once Redis holds it, so a replica killed right after answering loses nothing
 * (another replica routes it), and a Redis outage rejects it (the webhook is answered 503).
 */
export interface BuildIntake {
  accept(installationId: number, build: Build, octokit: Octokit): Promise<void>;
  /** Resolves when no accepted build waits to be routed or is being routed (by this replica, or the fleet's). */
  idle(): Promise<void>;
  /** Takes no more builds to route; a build being routed is finished. */
  close(): Promise<void>;
}

/** One process: the build is routed in the background with the webhook's own client (`inBackground`). */
export class LocalBuildIntake implements BuildIntake {
  constructor(
    private readonly route: RouteBuild,
    private readonly inBackground: (work: Promise<void>) => void,
    private readonly settled: () => Promise<void>,
  ) {}

  accept(installationId: number, build: Build, octokit: Octokit): Promise<void> {
    this.inBackground(this.route(installationId, build, octokit));
    return Promise.resolve();
  }

  idle(): Promise<void> {
    return this.settled();
  }

  close(): Promise<void> {
    return this.settled();
  }
}

interface IntakeJob {
  readonly installationId: number;
  readonly build: Build;
}

export interface RedisIntakeOptions {
  /** A routing that fails (GitHub down) is tried again this many times in all, backing off from 1 s. */
  readonly attempts?: number;
  /** How long a replica's claim on a job lasts without renewal: a killed replica's job is taken over after it. */
  readonly lockMs?: number;
}

const QUEUE = "intake";

/**
 * The fleet's intake: a BullMQ queue in the fleet's Redis. Every replica routes from it (8 builds at a
 * time); a replica that dies while routing loses its claim after `lockMs` and another routes the build.
 */
export class RedisBuildIntake implements BuildIntake {
  private readonly queue: Queue<IntakeJob>;
  private readonly worker: Worker<IntakeJob>;

  constructor(
    fleet: Fleet,
    route: (installationId: number, build: Build) => Promise<void>,
    log: IntakeLog,
    options: RedisIntakeOptions = {},
  ) {
    const prefix = `${fleet.prefix}bull`;
    // The command connection fails fast while Redis is down: `accept` rejects instead of waiting.
    this.queue = new Queue<IntakeJob>(QUEUE, {
      connection: fleet.redis,
      prefix,
      defaultJobOptions: {
        // About 17 minutes of tries in all (2 s, 4 s, ... 512 s): a GitHub outage does not drop the build.
        attempts: options.attempts ?? 10,
        backoff: { type: "exponential", delay: 2000 },
        removeOnComplete: true,
        removeOnFail: { count: 1000 },
      },
    });
    this.queue.on("error", () => undefined);
    const lockDuration = options.lockMs ?? 10_000;
    this.worker = new Worker<IntakeJob>(
      QUEUE,
      async (job: Job<IntakeJob>) => route(job.data.installationId, job.data.build),
      {
        connection: fleet.connection("intake-worker"),
        prefix,
        concurrency: 8,
        lockDuration,
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
        maxStalledCount: 10,
      },
    );
    this.worker.on("failed", (job, error) =>
      log.error(
        { err: error, build: job?.data.build.id, attempts: job?.attemptsMade },
        "could not route the build",
      ),
    );
    this.worker.on("error", (error) => log.error({ err: error }, "the build intake lost Redis"));
  }

  async accept(installationId: number, build: Build): Promise<void> {
    await this.queue.add("build", { installationId, build });
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await this.queue.getJobCounts("wait", "active", "delayed", "prioritized");
      if (Object.values(counts).every((count) => count === 0)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
  }
}
