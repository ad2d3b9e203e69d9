import { notQueued } from "../routing/deploy-queue-port.js";
import { resolveBuild } from "../core/plan/resolve-build.js";
import type { Build } from "../core/plan/build.js";
import type { Wanted } from "../core/plan/wanted.js";
import type { Row } from "../core/reconcile/observe.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import type { CommandResult } from "../commands/command-job.js";
import type { CommandItem, Logger } from "./deployer.js";
import { Dashboard } from "./dashboard.js";
import type { AppIdentity } from "./app-identity.js";
import { openAppPulls, type OpenAppPulls } from "./open-app-pulls.js";
import type { ManifestsRegistry, ManifestsRepo } from "./manifests-registry.js";
import { HISTORY_DEPTH, type Observation, type Observer } from "./observer.js";
import type { Pacer } from "./pacer.js";
import type { LastErrors } from "./last-errors.js";
import { MemoryPassLock, type PassLock } from "./pass-lock.js";
import { DELIVERY_WINDOW_DAYS, type Delivery, type DeliveryFigures } from "./delivery-figures.js";
import type { Config } from "../config/config.js";
import { normalizeImageName } from "../core/image-ref/normalize-image-name.js";

export interface ReconcilerDeps {
  readonly registry: ManifestsRegistry;
  readonly observer: Observer;
  readonly auth: (installationId: number) => Promise<Octokit>;
  /** Adds a job to the manifests repository's deploy queue (the queue builds and commands go through). */
  readonly enqueue: (installationId: number, repo: ManifestsRepo, item: CommandItem) => Promise<void>;
  readonly pacer: (installationId: number) => Pacer;
  readonly lastErrors: LastErrors;
  readonly log: Logger;
  readonly now: () => number;
  /** Who the app is: the dashboard lists only its own pull requests. */
  readonly identity: () => Promise<AppIdentity>;
  /** Told of every pass that ran (metrics). */
  readonly onPass?: (pass: InstallationPass) => void;
  /** The delivery figures (DORA) read from each repository's history, for the dashboard and `/metrics`. */
  readonly delivery?: DeliveryFigures;
  /** Told of each repository's 30-day figures (metrics). */
  readonly onDelivery?: (repo: string, delivery: Delivery) => void;
  /**
   * Run for each manifests repository the pass read, before its dashboard is written (the Argo CD API
   * poll: what it records in `lastErrors` shows on the same pass's dashboard). A failure is logged.
   */
  /** One pass per installation at a time, across the fleet when it is Redis's; default: this process. */
  readonly lock?: PassLock;
  readonly onRepository?: (
    installationId: number,
    repo: ManifestsRepo,
    config: Config,
    pulls: OpenAppPulls,
  ) => Promise<void>;
}

/** What one pass over one manifests repository found and did. */
export interface PassResult {
  readonly repo: string;
  /** complete; incomplete: the request budget ran out (the rest waits for the next pass); failed. */
  readonly result: "complete" | "incomplete" | "failed";
  /** (environment, image) pairs behind the newest successful build. */
  readonly found: number;
  /** Of those, how many the pass wrote (a commit or a pull request). */
  readonly repaired: number;
  /** Behind but held or frozen: reported on the dashboard, not changed. */
  readonly stopped: number;
  /** GitHub requests the pass made itself (the deploy batch's own are not counted). */
  readonly requests: number;
  readonly message?: string;
  /** How long the pass over this repository took. */
  readonly seconds: number;
}

export type InstallationPass =
  | { readonly kind: "done"; readonly results: readonly PassResult[] }
  /** A pass of this installation is already running (here or on another replica): this one did nothing. */
  | { readonly kind: "busy" };

/**
 * The reconciliation pass: for every manifests repository of an installation, what each environment
 * runs against the newest successful build of the branch it follows; what drifted goes through the
 * normal pipeline (ordering guard, holds, freezes, batching, commit or pull request), nothing is
 * written when nothing drifted, and the dashboard issue shows the result. One pass at a time per
 * installation; a second replica's pass cannot double-write either, as every write is guarded by the
 * head it was planned on and a repaired environment is no longer behind.
 */
export class Reconciler {
  private readonly running = new Map<number, Promise<InstallationPass>>();
  private readonly dashboard: Dashboard;
  private readonly lock: PassLock;

  constructor(private readonly deps: ReconcilerDeps) {
    this.dashboard = new Dashboard(deps.pacer);
    this.lock = deps.lock ?? new MemoryPassLock();
  }

  /** One pass over the installation's manifests repositories (`only`: just these). */
  installation(installationId: number, only?: readonly RepoId[]): Promise<InstallationPass> {
    if (this.running.has(installationId)) return Promise.resolve({ kind: "busy" });
    const pass = this.locked(installationId, only)
      .then((done) => {
        this.deps.onPass?.(done);
        return done;
      })
      .finally(() => this.running.delete(installationId));
    this.running.set(installationId, pass);
    return pass;
  }

  /** The pass, when no other pass of the installation holds the lock (here or on another replica). */
  private async locked(
    installationId: number,
    only: readonly RepoId[] | undefined,
  ): Promise<InstallationPass> {
    const held = await this.lock.acquire(installationId);
    if (!held) return { kind: "busy" };
    try {
      return await this.run(installationId, only);
    } finally {
      // The lock expires by itself: a release Redis refused delays the next pass, it does not stop it.
      await held
        .release()
        .catch((error: unknown) =>
          this.deps.log.warn({ installationId, err: error }, "could not release the reconciliation lock"),
        );
    }
  }

  private async run(installationId: number, only: readonly RepoId[] | undefined): Promise<InstallationPass> {
    const octokit = await this.deps.auth(installationId);
    const repos = await this.deps.registry.list(installationId, octokit);
    const wanted = only?.map(repoKey);
    const results: PassResult[] = [];
    for (const repo of repos) {
      if (wanted && !wanted.includes(repoKey(repo))) continue;
      if (!repo.config.ok) continue;
      try {
        results.push(await this.repo(installationId, repo));
      } catch (error) {
        this.deps.log.error({ repo: repoKey(repo), err: error }, "the reconciliation pass failed");
        this.deps.lastErrors.set(repo, `the reconciliation pass failed: ${String(error)}`);
        results.push({
          repo: repoKey(repo),
          result: "failed",
          found: 0,
          repaired: 0,
          stopped: 0,
          requests: 0,
          message: String(error),
          seconds: 0,
        });
      }
    }
    return { kind: "done", results };
  }

  private async repo(installationId: number, repo: ManifestsRepo): Promise<PassResult> {
    const key = repoKey(repo);
    const started = this.deps.now();
    // Its own client, so the pass counts (and limits) its own requests.
    const octokit = await this.deps.auth(installationId);
    let requests = 0;
    octokit.hook.before("request", () => {
      requests++;
    });
    // The budget of the config the registry holds (the caller passes only valid ones) until the pass has
    // read the current one.
    let limit = repo.config.ok ? repo.config.config.reconcile.requestBudget : 0;
    const budget = { left: () => limit - requests };
    const observed = await this.deps.observer.observe(octokit, repo, this.deps.now(), budget);
    if (observed.kind === "failed") {
      this.deps.lastErrors.set(repo, observed.reason);
      return {
        repo: key,
        result: "failed",
        found: 0,
        repaired: 0,
        stopped: 0,
        requests,
        message: observed.reason,
        seconds: (this.deps.now() - started) / 1000,
      };
    }
    let { observation } = observed;
    limit = observation.config.reconcile.requestBudget;
    const behind = observation.rows.filter((row) => row.state.kind === "behind");
    const repairs = behind.filter((row) => row.repair);
    let repaired = 0;
    if (repairs.length > 0) {
      const result = await this.repair(installationId, repo, observation.config, repairs);
      if (result.kind === "failed") this.deps.lastErrors.set(repo, result.message);
      else {
        repaired = new Set(
          result.reported
            .filter(({ outcome }) => outcome.kind === "written")
            .map(({ outcome }) => `${outcome.environment}\n${outcome.wanted.image}`),
        ).size;
        if (repaired > 0) this.deps.lastErrors.clear(repo);
      }
      this.deps.log.info(
        { repo: key, found: behind.length, repaired, held: behind.length - repairs.length },
        "reconciliation repaired drift",
      );
      if (repaired > 0) {
        // The dashboard shows the state after the repair: read again (the index and caches make it cheap).
        const again = await this.deps.observer.observe(octokit, repo, this.deps.now(), budget);
        if (again.kind === "observed") observation = again.observation;
      }
    }
    const delivery = await this.delivery(octokit, repo, observation, budget.left());
    // Read once, when first needed: the gates (after a restart) and the dashboard both list them.
    const pulls = openAppPulls(octokit, repo, this.deps.identity);
    await this.afterRepository(installationId, repo, observation.config, pulls);
    if (observation.config.reconcile.dashboard)
      await this.dashboard.update(octokit, installationId, repo, {
        pulls,
        observation,
        now: this.deps.now(),
        depth: HISTORY_DEPTH,
        lastError: await this.deps.lastErrors.get(repo),
        ...(delivery ? { delivery: { view: delivery, days: DELIVERY_WINDOW_DAYS } } : {}),
      });
    return {
      repo: key,
      result: observation.unread > 0 ? "incomplete" : "complete",
      found: behind.length,
      repaired,
      stopped: behind.length - repairs.length,
      requests,
      seconds: (this.deps.now() - started) / 1000,
      ...(observation.unread > 0
        ? { message: `${observation.unread} branch(es) left for the next pass: the request budget ran out` }
        : {}),
    };
  }

  /** The 30-day delivery figures: the history read at most once a pass, only when the head moved. */
  private async delivery(
    octokit: Octokit,
    repo: ManifestsRepo,
    observation: Observation,
    budget: number,
  ): Promise<Delivery | undefined> {
    if (!this.deps.delivery) return undefined;
    try {
      const { delivery } = await this.deps.delivery.figures(octokit, repo, {
        branch: observation.snapshot.branch,
        headOid: observation.snapshot.headOid,
        environments: Object.keys(observation.config.environments),
        now: this.deps.now(),
        budget,
      });
      if (delivery) this.deps.onDelivery?.(repoKey(repo), delivery);
      return delivery;
    } catch (error) {
      this.deps.log.warn({ repo: repoKey(repo), err: error }, "could not read the delivery history");
      return undefined;
    }
  }

  private async afterRepository(
    installationId: number,
    repo: ManifestsRepo,
    config: Config,
    pulls: OpenAppPulls,
  ): Promise<void> {
    try {
      await this.deps.onRepository?.(installationId, repo, config, pulls);
    } catch (error) {
      this.deps.log.error({ repo: repoKey(repo), err: error }, "the pass's work after the repository failed");
    }
  }

  /** The newest builds of the rows that drifted, as one job in the deploy queue; resolves when it is written. */
  private repair(
    installationId: number,
    repo: ManifestsRepo,
    config: Parameters<typeof resolveBuild>[0],
    rows: readonly Row[],
  ): Promise<CommandResult> {
    const now = this.deps.now();
    // Per image too: a monorepo's images have their own builds (the api's newest is not the web's).
    const builds = new Map<string, { build: Build; image: string; environments: Set<string> }>();
    for (const row of rows) {
      if (row.state.kind !== "behind" || row.repository === undefined || row.branch === undefined) continue;
      const [owner = "", name = ""] = row.repository.split("/");
      const sha = row.state.newest.sha;
      const key = `${row.repository}@${sha}@${row.branch}@${row.image}`;
      const entry = builds.get(key) ?? {
        build: {
          trigger: "reconcile" as const,
          id: `reconcile-${now}-${row.repository}-${sha.slice(0, 12)}`,
          repository: { owner, name, defaultBranch: row.defaultBranch ?? row.branch, htmlUrl: row.url ?? "" },
          sha,
          branch: row.branch,
          event: undefined,
          workflowPath: undefined,
          url: row.url === undefined ? undefined : `${row.url}/commit/${sha}`,
          image: undefined,
          receivedAt: now,
          committedAt: Date.parse(row.state.newest.date) || undefined,
        },
        image: row.image,
        environments: new Set<string>(),
      };
      entry.environments.add(row.environment);
      builds.set(key, entry);
    }
    const wanted: Wanted[] = [];
    for (const { build, image, environments } of builds.values()) {
      const resolution = resolveBuild(config, build);
      if (!resolution.ok) continue;
      for (const one of resolution.all)
        if (sameImage(one.image, image)) wanted.push({ ...one, only: [...environments] });
    }
    return new Promise<CommandResult>((settle) =>
      this.deps
        .enqueue(installationId, repo, {
          kind: "command",
          installationId,
          repo: { owner: repo.owner, name: repo.name },
          job: { id: `reconcile-${now}`, by: "reconciliation", edits: [], wanted },
          settle,
        })
        .catch((error: unknown) => settle({ kind: "failed", message: notQueued(error) })),
    );
  }
}

/** The manifests' spelling of an image (`GHCR.io/Acme/Web`) and the config's rendered name are one image. */
function sameImage(a: string, b: string): boolean {
  return normalizeImageName(a.toLowerCase()) === normalizeImageName(b.toLowerCase());
}
