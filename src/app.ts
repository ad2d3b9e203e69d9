import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import type { Octokit } from "./adapters/github/octokit.js";
import { buildFromPackage } from "./handlers/build-from-package.js";
import { buildFromWorkflowRun } from "./handlers/build-from-workflow-run.js";
import { configChanged } from "./handlers/config-changed.js";
import { pullRequestFromPayload } from "./handlers/pull-request-from-payload.js";
import { ConfigCheck } from "./services/config-check.js";
import { CommandRunner } from "./services/command-runner.js";
import { registerHealthz } from "./http/healthz.js";
import { guardWebhooks } from "./http/webhook-guard.js";
import { appHealthCheck } from "./http/app-health.js";
import { CompareCache } from "./services/compare-cache.js";
import { Deployer, type DeployItem, type DeployerDeps } from "./services/deployer.js";
import { MemoryCommandBudget } from "./services/command-budget.js";
import { ManifestIndex } from "./services/manifest-index.js";
import { ManifestsRegistry } from "./services/manifests-registry.js";
import { WarmUp } from "./services/warm-up.js";
import { Pacer } from "./services/pacer.js";
import type { LastErrors } from "./services/last-errors.js";
import { Observer } from "./services/observer.js";
import { Reconciler, type InstallationPass } from "./services/reconciler.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { Metrics } from "./metrics/metrics.js";
import { buildLatency } from "./metrics/build-latency.js";
import { batchFailure } from "./metrics/github-limit.js";
import { registerMetrics } from "./http/metrics-route.js";
import { appIdentity, type AppIdentityClient } from "./services/app-identity.js";
import type { EnvironmentObservation } from "./core/feedback/observation.js";
import { BuildRouter } from "./routing/build-router.js";
import { routeComment } from "./routing/comment-router.js";
import { Deliveries } from "./routing/deliveries.js";
import { MemoryDeployQueue } from "./routing/deploy-queue.js";
import type { DeployQueuePort } from "./routing/deploy-queue-port.js";
import { RedisDeployQueue } from "./runtime/redis-deploy-queue.js";
import { ExternalBuilds } from "./routing/external-builds.js";
import { forgetOnForeignPush } from "./routing/manifests-push.js";
import { buildsSecrets, registerBuilds } from "./http/builds-route.js";
import { DeliveryFigures } from "./services/delivery-figures.js";
import type { ObservationListener } from "./feedback/feedback-hub.js";
import type { ArgocdSettings } from "./feedback/argocd-feedback.js";
import { wireFeedback, type FeedbackWiring } from "./feedback/wire-feedback.js";
import { registerRegistries, registrySecrets, type RegistrySecrets } from "./http/registry/registry-route.js";
import { RegistryPushes } from "./routing/registry-pushes.js";
import { openFleet, redisUrlFrom, replicaIdFrom, type Fleet } from "./runtime/fleet.js";
import { fleetHealthCheck, fleetUnavailable, untilWarm } from "./runtime/fleet-health.js";
import { LocalBuildIntake, RedisBuildIntake, type BuildIntake } from "./routing/build-intake.js";
import { sharedDiscovery } from "./runtime/shared-discovery.js";
import { sharedState } from "./runtime/shared-state.js";
import { pacerLimits } from "./services/pacer-windows.js";

export interface BotOptions {
  /** Overrides every configuration's `batchWindowSeconds` (tests use a short window). */
  readonly batchWindowMs?: number;
  /** Content-creating requests allowed per installation (GitHub: 80 a minute, 500 an hour). */
  readonly contentPerMinute?: number;
  readonly contentPerHour?: number;
  readonly registryTtlMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onCommit?: DeployerOnCommit;
  /**
   * How often the reconciliation scheduler looks for due passes; undefined: every minute, unless
   * `RECONCILE_SCHEDULE=off`; 0: no scheduler (tests run passes with `Bot.reconcile`).
   */
  readonly scheduleTickMs?: number;
  readonly metrics?: Metrics;
  /** Argo CD feedback: each field defaults to ARGOCD_WEBHOOK_SECRET, ARGOCD_SERVER, ARGOCD_TOKEN. */
  readonly argocd?: ArgocdSettings;
  /** Told of every observation that reaches the feedback pipeline (tests see what Argo CD said, placed). */
  readonly onObserved?: ObservationListener;
  /** How often the gates (`environments.<env>.after`) look at the clock; undefined: every minute; 0: never. */
  readonly gateTickMs?: number;
  /** Registry webhooks' secrets; default: HARBOR_WEBHOOK_SECRET, DOCKERHUB_WEBHOOK_SECRET, QUAY_WEBHOOK_SECRET. */
  readonly registrySecrets?: RegistrySecrets;
  /**
   * Reads the installations' manifests repositories and their files once at start (src/services/warm-up.ts);
   * default: on unless WARM_UP=off.
   */
  readonly warmUp?: boolean;
  /**
   * The fleet's Redis (src/runtime/fleet.ts): the runtime state shared by every replica lives there;
   * default: REDIS_URL; undefined or empty: every piece of state in memory, as one process needs.
   */
  readonly redisUrl?: string;
  /** Which replica this is, in logs and metrics; default: REPLICA_ID, else HOSTNAME. */
  readonly replicaId?: string;
}

type DeployerOnCommit = NonNullable<ConstructorParameters<typeof Deployer>[0]["onCommit"]>;

export interface Bot {
  readonly appFn: ApplicationFunction;
  /** Resolves when no build is queued or being written. */
  idle(): Promise<void>;
  /**
   * One reconciliation pass over an installation's manifests repositories (every installation when
   * undefined), as the scheduler runs it: for `gitops-image-bot reconcile` and tests.
   */
  reconcile(installationId?: number): Promise<InstallationPass[]>;
  /**
   * Stops the reconciliation scheduler and the pacers: content-creating requests still waiting for a
   * slot are not sent (the server is Probot's to stop).
   */
  stop(): void;
  /** Stops as `stop` does, then closes the fleet's Redis connections (none without Redis). */
  close(): Promise<void>;
  readonly metrics: Metrics;
  /**
   * Feeds Argo CD observations to the feedback pipeline, as the `/api/argocd` endpoint and the API
   * poll do: for tests and the CLI.
   */
  observe(observed: readonly EnvironmentObservation[]): Promise<void>;
}

/** The app, wired: webhook handlers build a Build, hand it to the per-repository queue, and return. */
export function createBot(options: BotOptions = {}): Bot {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  /** Delivery ids, last errors, the pass lock and schedule, pacing: in memory, or the fleet's (appFn). */
  let shared = sharedState(undefined, now);
  const pacers = new Map<number, Pacer>();
  const pacer = (installationId: number): Pacer => {
    let found = pacers.get(installationId);
    if (!found) {
      const [perMinute, perHour] = [options.contentPerMinute ?? 60, options.contentPerHour ?? 450];
      const windows = shared.pacerWindows(installationId, pacerLimits(perMinute, perHour));
      found = new Pacer(perMinute, perHour, now, windows);
      pacers.set(installationId, found);
    }
    return found;
  };
  const deliveries = new Deliveries({
    claim: (keys) => shared.seen.claim(keys),
    release: (keys) => shared.seen.release(keys),
  });
  let queue: DeployQueuePort | undefined;
  const queued = async (): Promise<number> => (queue ? (await queue.figures()).depth : 0);
  let deployerRef: Deployer | undefined;
  let reconcilerRef: Reconciler | undefined;
  let scheduler: Scheduler | undefined;
  let installationsRef: (() => Promise<readonly number[]>) | undefined;
  let feedbackRef: FeedbackWiring | undefined;
  let warmUpRef: WarmUp | undefined;
  let intakeRef: BuildIntake | undefined;
  const redisUrl = options.redisUrl ?? redisUrlFrom(process.env);
  const replicaId = options.replicaId ?? replicaIdFrom(process.env);
  const metrics = options.metrics ?? new Metrics({ replica: replicaId });
  /** Opened when the app is loaded (not when this module is imported), closed by `close()`. */
  let fleet: Fleet | undefined;
  /** Resolves when no build is being routed, queued or written. */
  const settleBuilds = async (): Promise<void> => {
    do {
      await deliveries.settled();
      await intakeRef?.idle();
      await queue?.idle();
    } while (deliveries.pending > 0 || (await queued()) > 0);
  };

  const appFn = (app: Probot, appOptions?: ApplicationFunctionOptions): void => {
    if (redisUrl !== undefined) fleet = openFleet(redisUrl, replicaId);
    if (fleet) shared = sharedState(fleet, now, app.log);
    const { lastErrors } = shared;
    // The registry, the index and the app's slug: the fleet's in Redis, else this process's (src/runtime/shared-discovery.ts).
    const discovery = sharedDiscovery(fleet);
    const registry = new ManifestsRegistry(options.registryTtlMs ?? 10 * 60_000, now, discovery?.registry);
    const index = new ManifestIndex(discovery?.index);
    // Bounded body, signature checked before Probot reads or logs it; no webhook with a weak secret.
    const redis = fleet;
    guardWebhooks(app, {
      secret: process.env["WEBHOOK_SECRET"],
      ...(redis ? { unavailable: () => fleetUnavailable(redis) } : {}),
    });
    if (appOptions) {
      const github = appHealthCheck(() => app.auth());
      // With a fleet, a fresh replica is ready once warm (the others take the webhooks meanwhile).
      const warm = untilWarm(github, () => warmUpRef?.done ?? true, now(), now);
      registerHealthz(appOptions, redis ? fleetHealthCheck(redis, warm) : github);
      registerMetrics(appOptions, metrics, { token: process.env["METRICS_TOKEN"] });
    }
    const observeOctokit = (octokit: Octokit): void => metrics.observeOctokit(octokit);
    const auth = async (installationId: number): Promise<Octokit> => {
      const octokit = (await app.auth(installationId)) as Octokit;
      metrics.observeOctokit(octokit);
      return octokit;
    };
    const identity = appIdentity(async () => (await app.auth()) as AppIdentityClient, discovery?.slug);
    // The feedback pipeline: Argo CD in, deployments, gates (src/feedback/wire-feedback.ts).
    const feedback = wireFeedback({
      app,
      appOptions,
      argocd: options.argocd,
      onObserved: options.onObserved,
      gateTickMs: options.gateTickMs,
      auth,
      identity,
      pacer,
      registry,
      deliveries,
      lastErrors,
      metrics,
      now,
    });
    feedbackRef = feedback;
    const deployer = new Deployer({
      deployments: feedback.deployments,
      auth,
      identity,
      index,
      compares: new CompareCache(),
      pacer,
      log: app.log,
      sleep,
      random: options.random ?? Math.random,
      now,
      ...deployerEvents(metrics, lastErrors, options.onCommit, feedback.landed, now),
      // Files found after a first pass (the index completed in the background): their builds again.
      followUp: (item) =>
        void queue
          ?.again(item)
          .catch((error: unknown) => app.log.warn({ err: error }, "a build could not be queued again")),
    });
    deployerRef = deployer;
    const queueDeps = {
      // A batch that fails for good is counted (gitops_image_bot_batches_failed_total) and passed on.
      run: (items: readonly DeployItem[]) =>
        deployer.run(items).catch((error: unknown) => {
          metrics.batchFailed(batchFailure(error));
          throw error;
        }),
      batchWindowMs: options.batchWindowMs,
      lastErrors,
      log: app.log,
    };
    // A fleet shares one queue in Redis (at most one batch per repository across replicas).
    const deployQueue = fleet ? new RedisDeployQueue(fleet, queueDeps) : new MemoryDeployQueue(queueDeps);
    queue = deployQueue;
    // Depth and the oldest waiting item's age: this process's queue, or the fleet's.
    metrics.setQueueFigures(() => deployQueue.figures());
    const { enqueue } = deployQueue;
    const observer = new Observer(index);
    const reconciler = new Reconciler({
      registry,
      identity,
      observer,
      auth,
      enqueue,
      pacer,
      lastErrors,
      log: app.log,
      now,
      onPass: (pass) => recordPass(metrics, pass),
      // DORA figures from the manifests history: the dashboard's Delivery section and /metrics.
      delivery: new DeliveryFigures({
        startedAt: now(),
        onLeadTime: (environment, seconds) => metrics.leadTimeObserved(environment, seconds, "branch"),
      }),
      onDelivery: (key, delivery) => metrics.doraFigures(key, delivery.figures),
      onRepository: feedback.poll,
      lock: shared.passLock,
    });
    reconcilerRef = reconciler;
    const installations = async (): Promise<readonly number[]> => {
      const octokit = await app.auth();
      metrics.observeOctokit(octokit);
      const list = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
      return list.map((installation) => installation.id);
    };
    installationsRef = installations;
    // The first build after a start as cheap as a warm one: registry and index read in the background.
    if (options.warmUp ?? process.env["WARM_UP"] !== "off") {
      warmUpRef = new WarmUp({
        installations,
        auth,
        identity,
        registry,
        index,
        log: app.log,
        // Gives way to this replica's own deliveries; with a fleet, not to the whole fleet's queue (a
        // replica started into a busy fleet would otherwise not warm up until the fleet is quiet).
        quiet: fleet ? () => deliveries.settled() : settleBuilds,
      });
      warmUpRef.start();
    }
    // The feedback pipeline's parts that act through the deploy queue (onDegraded, Alertmanager freezes).
    feedback.connect({ enqueue, installations });
    // Builds from outside GitHub's webhooks (any CI, registries): routed across installations.
    const external = new ExternalBuilds({ registry, deliveries, installations, auth, enqueue, now, index });
    // POST /api/builds: any CI's signed builds, routed by `external` (src/http/builds-route.ts).
    registerBuilds(appOptions, {
      secrets: buildsSecrets(process.env["BUILDS_WEBHOOK_SECRET"]),
      route: (build) => external.route(build),
      now,
      log: app.log,
    });
    // Registry pushes (Harbor, Docker Hub, Quay): /api/registry/<registry>, routed through `external`.
    const pushes = new RegistryPushes({ external, auth, log: app.log, now });
    registerRegistries(appOptions, {
      secrets: options.registrySecrets ?? registrySecrets(process.env),
      route: (push) => pushes.route(push),
      log: app.log,
    });
    const tickMs = options.scheduleTickMs ?? (process.env["RECONCILE_SCHEDULE"] === "off" ? 0 : 60_000);
    if (tickMs > 0) {
      scheduler = new Scheduler({
        installations,
        auth,
        registry,
        reconciler,
        log: app.log,
        now,
        random: options.random ?? Math.random,
        tickMs,
        schedule: shared.passSchedule,
      });
      scheduler.start();
    }
    const commands = new CommandRunner({
      registry,
      identity,
      pacer,
      log: app.log,
      now,
      enqueue,
      observer,
      onCommand: (kind, result) => metrics.command(kind, result),
      reconcile: (installationId, repos) => reconciler.installation(installationId, repos),
      budget: new MemoryCommandBudget(),
    });
    const builds = new BuildRouter({ registry, deliveries, enqueue, observeOctokit, intake: () => intake });
    // An accepted build is routed after the webhook is answered: in the background, or from the fleet's Redis.
    const intake: BuildIntake = fleet
      ? new RedisBuildIntake(fleet, async (id, build) => builds.route(id, build, await auth(id)), app.log)
      : new LocalBuildIntake(
          builds.route,
          (work) => deliveries.inBackground(app.log, work),
          () => deliveries.settled(),
        );
    intakeRef = intake;
    const comments = { deliveries, observeOctokit, handle: commands.handle.bind(commands) };
    const configCheck = new ConfigCheck({ pacer, log: app.log });
    app.onAny(async (event) => metrics.webhookReceived(event.name));

    app.on("workflow_run", async (context) =>
      builds.dispatch(context, buildFromWorkflowRun(context.payload, context.id, now())),
    );
    app.on("package", async (context) =>
      builds.dispatch(context, buildFromPackage(context.payload, context.id, now())),
    );
    app.on("issue_comment", async (context) => routeComment(comments, context));
    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
      const parse = pullRequestFromPayload(context.payload);
      if (!parse.ok || !(await deliveries.first(context.id))) return;
      metrics.observeOctokit(context.octokit);
      deliveries.inBackground(context.log, configCheck.run(context.octokit as Octokit, parse.pull));
    });
    app.on("push", async (context) => {
      if (configChanged(context.payload)) await registry.invalidate(context.payload.installation?.id ?? -1);
      // Someone else changed the manifests: what the index knows of the tree may be out of date.
      await forgetOnForeignPush(index, identity, context.payload);
    });
    app.on("installation_repositories", async (context) =>
      registry.invalidate(context.payload.installation.id),
    );
    app.on("installation", async () => external.invalidate());
  };

  /** Stops what starts work by itself: the scheduler, the warm-up, the feedback pipeline's timers. */
  const stopStarting = (): void => {
    scheduler?.stop();
    warmUpRef?.stop();
    feedbackRef?.stop();
  };
  const stop = (): void => {
    stopStarting();
    for (const found of pacers.values()) found.close();
  };
  return {
    appFn,
    metrics,
    stop,
    close: async () => {
      stopStarting();
      // The intake and the queue first, with the pacers still serving the batch under way: what they run
      // ends (or is handed back) while Redis is still there; each is given at most CLOSE_MS.
      await Promise.all([within(CLOSE_MS, intakeRef?.close()), within(CLOSE_MS, queue?.close())]);
      for (const found of pacers.values()) found.close();
      await fleet?.close();
    },
    observe: async (observed) => {
      if (!feedbackRef) throw new Error("the app is not loaded: load appFn first");
      await feedbackRef.hub.observe(observed);
    },
    reconcile: async (installationId) => {
      const reconciler = reconcilerRef;
      if (!reconciler || !installationsRef) throw new Error("the app is not loaded: load appFn first");
      const ids = installationId === undefined ? await installationsRef() : [installationId];
      const passes: InstallationPass[] = [];
      for (const id of ids) passes.push(await reconciler.installation(id));
      return passes;
    },
    idle: async () => {
      await warmUpRef?.settled();
      // A completion of the index may queue builds again: idle once none runs and nothing is queued.
      do {
        await settleBuilds();
        await deployerRef?.indexCompleted();
      } while (deliveries.pending > 0 || (await queued()) > 0);
      await deployerRef?.reportsSent();
      await feedbackRef?.idle();
    },
  };
}

/** How long `close()` waits for the intake and the queue (BullMQ's close can hang while Redis reconnects). */
const CLOSE_MS = 25_000;

/** Resolves when `work` settles or after `ms`, whichever comes first; never rejects. */
async function within(ms: number, work: Promise<void> | undefined): Promise<void> {
  if (!work) return;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the deployer tells: commits, outcomes and pull requests to the metrics, a commit clears the dashboard's error. */
function deployerEvents(
  metrics: Metrics,
  lastErrors: LastErrors,
  onCommit: DeployerOnCommit | undefined,
  onOutcomes: NonNullable<DeployerDeps["onOutcomes"]>,
  now: () => number,
): Pick<DeployerDeps, "onCommit" | "onOutcomes" | "onPullRequest"> {
  const latency = buildLatency(metrics.buildLanded.bind(metrics), now);
  return {
    onCommit: (event) => {
      metrics.commit();
      latency.onCommit(event);
      lastErrors.clear(event.repo);
      onCommit?.(event);
    },
    onOutcomes: (reported, batch) => {
      onOutcomes(reported, batch);
      latency.onOutcomes(reported);
      for (const { outcome, landing } of reported)
        if (outcome.kind === "written")
          metrics.updateWritten(
            outcome.environment,
            landing?.kind === "pull-request" ? "pull-request" : "commit",
          );
        else metrics.updateSkipped(outcome.skip.reason);
    },
    onPullRequest: (action) => {
      if (action !== "unchanged") metrics.pullRequest(action);
    },
  };
}

function recordPass(metrics: Metrics, pass: InstallationPass): void {
  if (pass.kind !== "done") return;
  for (const result of pass.results)
    metrics.reconcilePass(result.result, result.seconds, result.found, result.repaired);
}

/** The app as `npm start` runs it (src/start.ts closes it on SIGTERM). */
export const defaultBot: Bot = createBot();
export const gitopsImageBot: ApplicationFunction = defaultBot.appFn;
