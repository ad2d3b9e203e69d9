import type { ApplicationFunction, ApplicationFunctionOptions, Context, Probot } from "probot";
import { matchSource, renderImageName } from "./config/index.js";
import { compareCommits } from "./adapters/github/compare-commits.js";
import type { Octokit } from "./adapters/github/octokit.js";
import { repoKey } from "./adapters/github/octokit.js";
import type { Build } from "./core/plan/build.js";
import { fullName } from "./core/plan/build.js";
import { buildFromPackage } from "./handlers/build-from-package.js";
import { buildFromWorkflowRun, type BuildParse } from "./handlers/build-from-workflow-run.js";
import { configChanged } from "./handlers/config-changed.js";
import { commentFromPayload } from "./handlers/comment-from-payload.js";
import { pullRequestFromPayload } from "./handlers/pull-request-from-payload.js";
import { ConfigCheck } from "./services/config-check.js";
import { CommandRunner } from "./services/command-runner.js";
import { registerHealthz } from "./http/healthz.js";
import { guardWebhooks } from "./http/webhook-guard.js";
import { appHealthCheck } from "./http/app-health.js";
import { BatchQueue } from "./queue/batch-queue.js";
import { CompareCache } from "./services/compare-cache.js";
import { Deployer, type DeployItem } from "./services/deployer.js";
import { Lru } from "./services/lru.js";
import { MemoryCommandBudget } from "./services/command-budget.js";
import { ManifestIndex } from "./services/manifest-index.js";
import { ManifestsRegistry, type ManifestsRepo } from "./services/manifests-registry.js";
import { Pacer } from "./services/pacer.js";
import { LastErrors } from "./services/last-errors.js";
import { Observer } from "./services/observer.js";
import { Reconciler, type InstallationPass } from "./services/reconciler.js";
import { Scheduler } from "./scheduler/scheduler.js";
import { Metrics } from "./metrics/metrics.js";
import { registerMetrics } from "./http/metrics-route.js";
import { appIdentity, type AppIdentityClient } from "./services/app-identity.js";
import type { EnvironmentObservation } from "./core/feedback/observation.js";
import { FeedbackHub } from "./feedback/feedback-hub.js";
import { MemoryHealthLedger } from "./feedback/health-ledger.js";
import { registerAlertmanager } from "./http/alertmanager-route.js";
import { AlertFreezer } from "./services/alerts/alert-freezer.js";
import { cachedInstallations } from "./services/alerts/cached-installations.js";

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
  readonly metrics: Metrics;
  /**
   * Feeds Argo CD observations to the feedback pipeline, as the `/api/argocd` endpoint and the API
   * poll do: for tests and the CLI.
   */
  observe(observed: readonly EnvironmentObservation[]): Promise<void>;
}

const DEFAULT_WINDOW_MS = 2000;

/** The app, wired: webhook handlers build a Build, hand it to the per-repository queue, and return. */
export function createBot(options: BotOptions = {}): Bot {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const registry = new ManifestsRegistry(options.registryTtlMs ?? 10 * 60_000, now);
  const pacers = new Map<number, Pacer>();
  const pacer = (installationId: number): Pacer => {
    let found = pacers.get(installationId);
    if (!found) {
      found = new Pacer(options.contentPerMinute ?? 60, options.contentPerHour ?? 450, now);
      pacers.set(installationId, found);
    }
    return found;
  };
  const windows = new Map<string, number>();
  const seenDeliveries = new Lru<string, true>(10_000);
  /** Comments whose commands ran: a delivery replayed under a new id does not run them again. */
  const seenComments = new Lru<number, true>(10_000);
  let queue: BatchQueue<DeployItem> | undefined;
  let deployerRef: Deployer | undefined;
  let reconcilerRef: Reconciler | undefined;
  let scheduler: Scheduler | undefined;
  let installationsRef: (() => Promise<readonly number[]>) | undefined;
  let feedbackRef: FeedbackHub | undefined;
  const metrics = options.metrics ?? new Metrics();
  const lastErrors = new LastErrors(now);
  const index = new ManifestIndex();
  /** Dispatches under way: the webhook is answered at once, the routing runs after. */
  const dispatching = new Set<Promise<void>>();
  const inBackground = (log: Context["log"], work: Promise<void>): void => {
    const tracked = work.catch((error: unknown) => log.error({ err: error }, "could not route the build"));
    dispatching.add(tracked);
    void tracked.finally(() => dispatching.delete(tracked));
  };

  const appFn = (app: Probot, appOptions?: ApplicationFunctionOptions): void => {
    // Bounded body, signature checked before Probot reads or logs it; no webhook with a weak secret.
    guardWebhooks(app, { secret: process.env["WEBHOOK_SECRET"] });
    if (appOptions) {
      registerHealthz(
        appOptions,
        appHealthCheck(() => app.auth()),
      );
      registerMetrics(appOptions, metrics, { token: process.env["METRICS_TOKEN"] });
    }
    const auth = async (installationId: number): Promise<Octokit> => {
      const octokit = (await app.auth(installationId)) as Octokit;
      metrics.observeOctokit(octokit);
      return octokit;
    };
    const identity = appIdentity(async () => (await app.auth()) as AppIdentityClient);
    const feedback = new FeedbackHub(new MemoryHealthLedger(), app.log);
    feedbackRef = feedback;
    const deployer = new Deployer({
      auth,
      identity,
      index,
      compares: new CompareCache(),
      pacer,
      log: app.log,
      sleep,
      random: options.random ?? Math.random,
      now,
      onCommit: (event) => {
        metrics.commit();
        lastErrors.clear(event.repo);
        options.onCommit?.(event);
      },
      onOutcomes: (reported) => {
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
    });
    deployerRef = deployer;
    queue = new BatchQueue<DeployItem>(
      (_key, items) => deployer.run(items),
      (key) => options.batchWindowMs ?? windows.get(key) ?? DEFAULT_WINDOW_MS,
      (key, error) => {
        const [, owner = "", name = ""] = /^\d+:([^/]+)\/(.+)$/.exec(key) ?? [];
        lastErrors.set({ owner, name }, `a batch failed: ${String(error)}`);
        app.log.error(
          { err: error, key },
          "a batch failed; its builds will be retried by the next build or reconciliation",
        );
      },
      {
        // Too much waiting for one repository: refused, said so; the next reconciliation pass repairs it.
        onRefused: (key, item) => {
          const message = `too many builds waiting for ${key}: refused; the next reconciliation pass deploys it`;
          if (item.kind === "command") item.settle({ kind: "failed", message });
          else app.log.warn({ key, build: item.build.id, sha: item.build.sha }, message);
        },
      },
    );
    const deployQueue = queue;
    metrics.setQueueDepth(() => deployQueue.depth);
    const enqueue = (installationId: number, repo: ManifestsRepo, item: DeployItem): void => {
      const key = `${installationId}:${repoKey(repo)}`;
      if (repo.config.ok) windows.set(key, repo.config.config.batchWindowSeconds * 1000);
      deployQueue.add(key, item);
    };
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
    });
    reconcilerRef = reconciler;
    const installations = async (): Promise<readonly number[]> => {
      const octokit = await app.auth();
      metrics.observeOctokit(octokit);
      const list = await octokit.paginate(octokit.rest.apps.listInstallations, { per_page: 100 });
      return list.map((installation) => installation.id);
    };
    installationsRef = installations;
    // Error budgets: Alertmanager's notifications freeze environments through the deploy queue.
    const alertFreezer = new AlertFreezer({
      installations: cachedInstallations(installations, 5 * 60_000, now),
      auth,
      registry,
      enqueue,
      log: app.log,
      now,
    });
    registerAlertmanager(appOptions, {
      secrets: process.env["ALERTMANAGER_WEBHOOK_SECRET"],
      log: app.log,
      receive: (notification) => inBackground(app.log, alertFreezer.receive(notification)),
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
    app.onAny(async (event) => metrics.webhookReceived(event.name));

    /**
     * Checks a build's webhook at once and routes it in the background with only what routing needs:
     * neither the payload nor the event's Octokit is kept while the registry loads (a burst of 2,000
     * deliveries waiting on one registry read would otherwise hold 2,000 of each, over 100 MB).
     */
    const dispatch = (context: Context, parse: BuildParse): void => {
      if (!parse.ok) {
        const where = { event: context.name, delivery: context.id };
        if ("invalid" in parse) context.log.warn(where, `payload ignored: ${parse.invalid}`);
        else if ("refused" in parse) context.log.info(where, `build refused: ${parse.refused}`);
        else context.log.debug(where, `ignored: ${parse.ignored}`);
        return;
      }
      if (seenDeliveries.has(context.id)) {
        context.log.info({ delivery: context.id }, "delivery seen before: ignored");
        return;
      }
      seenDeliveries.set(context.id, true);
      const { build } = parse;
      context.log.info(
        {
          delivery: context.id,
          trigger: build.trigger,
          source: fullName(build.repository),
          sha: build.sha,
          ...(build.image ? { image: `${build.image.name}:${build.image.tag}` } : {}),
        },
        "build received",
      );
      const installationId = (context.payload as { installation?: { id?: number } }).installation?.id;
      if (installationId === undefined) {
        context.log.warn({ delivery: context.id }, "payload ignored: installation.id is missing");
        return;
      }
      const octokit = context.octokit as Octokit;
      metrics.observeOctokit(octokit);
      // Started now, so that neither the context nor its Octokit waits with the build: a registry read
      // keeps only the client that started it, a package's branch check its own until it answers.
      const repos = registry.list(installationId, octokit);
      const checked = onBranch(octokit, build);
      inBackground(context.log, route(installationId, checked, repos));
    };

    /** The manifests repositories whose config names the build's source: one queued item each. */
    const route = async (
      installationId: number,
      checked: Promise<Build>,
      repos: Promise<readonly ManifestsRepo[]>,
    ): Promise<void> => {
      const build = await checked;
      for (const repo of await repos) {
        const source = repo.config.ok
          ? matchSource(repo.config.config, fullName(build.repository))
          : undefined;
        if (repo.config.ok && !source) continue;
        const hintImage =
          build.image?.name ??
          (source ? renderImageName(source.image, build.repository.owner, build.repository.name) : undefined);
        enqueue(installationId, repo, {
          kind: "build",
          installationId,
          repo: { owner: repo.owner, name: repo.name },
          build,
          hintImage,
        });
      }
    };

    app.on("workflow_run", async (context) =>
      dispatch(context, buildFromWorkflowRun(context.payload, context.id, now())),
    );
    app.on("package", async (context) =>
      dispatch(context, buildFromPackage(context.payload, context.id, now())),
    );
    app.on("issue_comment", async (context) => {
      const parse = commentFromPayload(context.payload);
      const installationId = context.payload.installation?.id;
      if (!parse.ok || installationId === undefined) {
        const why = parse.ok
          ? "installation.id is missing"
          : "invalid" in parse
            ? parse.invalid
            : parse.ignored;
        context.log.debug({ event: context.name, delivery: context.id }, `comment ignored: ${why}`);
        return;
      }
      if (seenDeliveries.has(context.id) || seenComments.has(parse.comment.commentId)) {
        context.log.info({ delivery: context.id }, "comment seen before: its commands are not run again");
        return;
      }
      seenDeliveries.set(context.id, true);
      seenComments.set(parse.comment.commentId, true);
      metrics.observeOctokit(context.octokit);
      inBackground(context.log, commands.handle(context.octokit as Octokit, installationId, parse.comment));
    });
    const configCheck = new ConfigCheck({ pacer, log: app.log });
    app.on(["pull_request.opened", "pull_request.synchronize", "pull_request.reopened"], async (context) => {
      const parse = pullRequestFromPayload(context.payload);
      if (!parse.ok || seenDeliveries.has(context.id)) return;
      seenDeliveries.set(context.id, true);
      metrics.observeOctokit(context.octokit);
      inBackground(context.log, configCheck.run(context.octokit as Octokit, parse.pull));
    });
    app.on("push", async (context) => {
      if (configChanged(context.payload)) registry.invalidate(context.payload.installation?.id ?? -1);
    });
    app.on("installation_repositories", async (context) =>
      registry.invalidate(context.payload.installation.id),
    );
  };

  return {
    appFn,
    metrics,
    stop: () => {
      scheduler?.stop();
      for (const found of pacers.values()) found.close();
    },
    observe: async (observed) => {
      if (!feedbackRef) throw new Error("the app is not loaded: load appFn first");
      await feedbackRef.observe(observed);
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
      while (dispatching.size > 0 || (queue?.depth ?? 0) > 0) {
        await Promise.all([...dispatching]);
        await queue?.idle();
      }
      await queue?.idle();
      await deployerRef?.reportsSent();
    },
  };
}

function recordPass(metrics: Metrics, pass: InstallationPass): void {
  if (pass.kind !== "done") return;
  for (const result of pass.results)
    metrics.reconcilePass(result.result, result.seconds, result.found, result.repaired);
}

/**
 * A package names its source commit but not its branch: it counts as the default branch's only when
 * that commit is on the default branch (one compare), so a feature-branch image never reaches prod.
 */
async function onBranch(octokit: Octokit, build: Build): Promise<Build> {
  if (build.trigger !== "package" || build.sha === undefined) return build;
  const repo = { owner: build.repository.owner, name: build.repository.name };
  // Qualified: a bare `main` would be the tag `main` when there is one.
  const branch = `refs/heads/${build.repository.defaultBranch}`;
  const status = await compareCommits(octokit, repo, build.sha, branch);
  return status === "ahead" || status === "identical" ? build : { ...build, branch: undefined };
}

export const gitopsImageBot: ApplicationFunction = createBot().appFn;
