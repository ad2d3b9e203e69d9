import type { ApplicationFunctionOptions, Probot } from "probot";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import type { Config } from "../config/index.js";
import { registerAlertmanager } from "../http/alertmanager-route.js";
import type { Metrics } from "../metrics/metrics.js";
import type { Deliveries } from "../routing/deliveries.js";
import { AlertFreezer } from "../services/alerts/alert-freezer.js";
import { cachedInstallations } from "../services/alerts/cached-installations.js";
import type { AppIdentity } from "../services/app-identity.js";
import type { DeployerDeps, DeployItem } from "../services/deployer.js";
import type { LastErrors } from "../services/last-errors.js";
import type { ManifestsRegistry, ManifestsRepo } from "../services/manifests-registry.js";
import type { Pacer } from "../services/pacer.js";
import type { OpenAppPulls } from "../services/open-app-pulls.js";
import { argocdFeedback, argocdSettings, type AppClient, type ArgocdSettings } from "./argocd-feedback.js";
import { MemoryDeploymentLedger, type DeploymentLedger } from "./deployment-ledger.js";
import { FeedbackHub, type ObservationListener } from "./feedback-hub.js";
import { GateKeeper } from "./gates/gate-keeper.js";
import { MemoryGateRegistry } from "./gates/gate-registry.js";
import { MemoryHealthLedger } from "./health-ledger.js";
import { wireDeploymentLifecycle, type DeploymentLifecycle } from "./wire-lifecycle.js";

export interface FeedbackWiringDeps {
  readonly app: Probot;
  readonly appOptions: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined;
  /** `BotOptions.argocd`: each field defaults to its environment variable. */
  readonly argocd: ArgocdSettings | undefined;
  readonly onObserved: ObservationListener | undefined;
  /** How often the gates look at the clock; undefined: every minute; 0: never. */
  readonly gateTickMs: number | undefined;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly identity: () => Promise<AppIdentity>;
  readonly pacer: (installationId: number) => Pacer;
  readonly registry: ManifestsRegistry;
  readonly deliveries: Deliveries;
  readonly lastErrors: LastErrors;
  readonly metrics: Metrics;
  readonly now: () => number;
}

/** What the rest of the app needs to join the deploy pipeline: the deploy queue and the installations. */
export interface FeedbackConnections {
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: DeployItem) => Promise<void>;
  readonly installations: () => Promise<readonly number[]>;
}

/** The feedback pipeline, wired; the deploy pipeline reads from it and feeds it. */
export interface FeedbackWiring {
  readonly hub: FeedbackHub;
  /** The deployments the deployer creates, which Argo CD's observations then move. */
  readonly deployments: DeploymentLedger;
  /** The deployer's outcomes: a gated pull request written gets its gate check run. */
  readonly landed: NonNullable<DeployerDeps["onOutcomes"]>;
  /**
   * After each repository's reads in a reconciliation pass: Argo CD's API (with ARGOCD_SERVER and
   * ARGOCD_TOKEN), then the gates of open pull requests this process does not know (after a restart).
   */
  readonly poll: (installationId: number, repo: RepoId, config: Config, pulls: OpenAppPulls) => Promise<void>;
  /** The parts that act through the deploy queue: the lifecycle's pull requests, onDegraded, Alertmanager freezes. */
  connect(connections: FeedbackConnections): void;
  /** Resolves when the comments and gate checks started are written. */
  idle(): Promise<void>;
  stop(): void;
}

/**
 * The feedback pipeline (#16) beside the deploy pipeline: observations (Argo CD's notifications and
 * API, Alertmanager, the app's pull requests closing) -> what they mean (pure, src/core/feedback) ->
 * deployment and commit statuses, gate check runs, holds and freezes. Wired in two steps because the
 * deployer needs the deployments and gates first, and onDegraded and the freezes need its queue.
 */
export function wireFeedback(deps: FeedbackWiringDeps): FeedbackWiring {
  const { app, auth, identity, pacer, registry, deliveries, now } = deps;
  const hub = new FeedbackHub(new MemoryHealthLedger(), app.log);
  if (deps.onObserved) hub.listen(deps.onObserved);
  const argocd = argocdFeedback({
    settings: argocdSettings(deps.argocd),
    appClient: async () => (await app.auth()) as unknown as AppClient,
    auth,
    registry,
    sink: (observed) => hub.observe(observed),
    lastErrors: deps.lastErrors,
    log: app.log,
    now,
    background: (work) => deliveries.inBackground(app.log, work),
  });
  argocd.register(deps.appOptions);
  const deployments = new MemoryDeploymentLedger();
  const gates = new GateKeeper({
    auth,
    pacer,
    ledger: hub.ledger,
    registry: new MemoryGateRegistry(),
    now,
    log: app.log,
    identity,
  });
  hub.listen(gates.observed);
  gates.start(deps.gateTickMs ?? 60_000);
  let lifecycle: DeploymentLifecycle | undefined;

  const connect = ({ enqueue, installations }: FeedbackConnections): void => {
    // The deployment lifecycle: Argo CD's observations, onDegraded, the app's pull requests closing.
    const wired = wireDeploymentLifecycle({
      hub,
      deployments,
      registry,
      auth,
      identity,
      pacer,
      enqueue,
      log: app.log,
      now,
      // Lead time for changes, source commit -> Healthy (the git-based figure ends on the branch).
      onHealthy: (deployment, since) => {
        const committedAt = deployment.build?.committedAt;
        if (committedAt !== undefined && since >= committedAt)
          deps.metrics.leadTimeObserved(deployment.environment, (since - committedAt) / 1000, "healthy");
      },
    });
    lifecycle = wired;
    app.on("pull_request.closed", async (context) => {
      const { repository, number } = context.payload;
      gates.closed({ owner: repository.owner.login, name: repository.name }, number);
      if (!(await deliveries.first(context.id))) return;
      deps.metrics.observeOctokit(context.octokit);
      deliveries.inBackground(
        context.log,
        wired.pullRequestClosed(context.octokit as Octokit, context.payload),
      );
    });
    // Error budgets: Alertmanager's notifications freeze environments through the deploy queue.
    const alertFreezer = new AlertFreezer({
      installations: cachedInstallations(installations, 5 * 60_000, now),
      auth,
      registry,
      enqueue,
      log: app.log,
      now,
    });
    registerAlertmanager(deps.appOptions, {
      secrets: process.env["ALERTMANAGER_WEBHOOK_SECRET"],
      log: app.log,
      receive: (notification) => deliveries.inBackground(app.log, alertFreezer.receive(notification)),
    });
  };

  return {
    hub,
    deployments,
    landed: (reported, batch) => gates.landed(batch, reported),
    poll: async (installationId, repo, config, pulls) => {
      await argocd.poll?.(installationId, repo, config);
      await gates.refind(installationId, repo, config, pulls);
    },
    connect,
    idle: async () => {
      await lifecycle?.idle();
      await gates.idle();
    },
    stop: () => gates.stop(),
  };
}
