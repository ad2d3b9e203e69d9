import type { Config } from "../../config/index.js";
import type { Octokit, RepoId } from "../../adapters/github/octokit.js";
import { gateVerdict, type GateVerdict } from "../../core/feedback/gate.js";
import type { EnvironmentObservation, ManifestsRepoId } from "../../core/feedback/observation.js";
import type { Logger } from "../../services/deployer.js";
import type { Pacer } from "../../services/pacer.js";
import type { Reported } from "../../services/reporter.js";
import type { HealthLedger } from "../health-ledger.js";
import { createGateRun, detailsUrlOf, findGateRun, sameVerdict, updateGateRun } from "./gate-check-run.js";
import type { AppIdentity } from "../../services/app-identity.js";
import type { OpenAppPulls } from "../../services/open-app-pulls.js";
import { parseTrailers } from "../../core/dora/trailers.js";
import { mergeAfterGate } from "./gate-merge.js";
import type { GateRegistry, OpenGate } from "./gate-registry.js";

/** The batch a deployer's outcomes come from: whose, which repository, under which config. */
export interface LandedBatch {
  readonly installationId: number;
  readonly repo: RepoId;
  readonly config: Config;
}

export interface GateKeeperDeps {
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly pacer: (installationId: number) => Pacer;
  readonly ledger: HealthLedger;
  readonly registry: GateRegistry;
  readonly now: () => number;
  readonly log: Logger;
  /** Who the app is: only its own check runs are taken up again. */
  readonly identity: () => Promise<AppIdentity>;
}

const keyOf = (manifests: ManifestsRepoId, pull: number): string =>
  `${manifests.owner}/${manifests.name}#${pull}`.toLowerCase();

/**
 * The gates before the next environment (`environments.<env>.after`): a `gitops-image-bot/gate` check
 * run on the head of each pull request the app opens or updates for a gated environment, kept up to
 * date on each observation of the `after` environment and on a clock tick; when it passes in
 * `auto-merge` mode, the app merges (or enables auto-merge) then, never before.
 */
export class GateKeeper {
  /** A gate being brought up to date, and whether it must be looked at again once that is done. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: GateKeeperDeps) {}

  /**
   * Opens a gate for each written outcome that landed in an open pull request of a gated environment
   * (a head already known, open or settled, is left alone: a repeated report makes no new check run).
   */
  landed(batch: LandedBatch, reported: readonly Reported[]): void {
    for (const { outcome, landing } of reported) {
      if (outcome.kind !== "written" || landing?.kind !== "pull-request" || landing.merged === true) continue;
      const environment = batch.config.environments[outcome.environment];
      if (!environment?.after || environment.mode === "commit") continue;
      if (landing.number === undefined || landing.oid === undefined) continue;
      const known = this.deps.registry.get(batch.repo, landing.number);
      if (known?.headOid === landing.oid) continue;
      this.deps.registry.put({
        installationId: batch.installationId,
        manifests: { owner: batch.repo.owner, name: batch.repo.name },
        pull: landing.number,
        headOid: landing.oid,
        environment: outcome.environment,
        rule: environment.after,
        image: outcome.wanted.image,
        tag: outcome.wanted.tag,
        mode: environment.mode,
        mergeMethod: environment.mergeMethod,
        checkRunId: undefined,
        shown: undefined,
        openedAt: this.deps.now(),
      });
      void this.settle(batch.repo, landing.number);
    }
  }

  /**
   * Finds the gates of the app's open pull requests that this process does not know (after a restart,
   * or on another replica) from their bodies' `Deploys:` trailers, and takes up their check runs; the
   * pass's list of the app's open pull requests, which the dashboard reads too (no request of its own).
   */
  async refind(installationId: number, repo: RepoId, config: Config, pulls: OpenAppPulls): Promise<void> {
    const gated = Object.entries(config.environments).filter(
      ([, environment]) => environment.after !== undefined && environment.mode !== "commit",
    );
    if (gated.length === 0) return;
    for (const pull of await pulls()) {
      if (this.deps.registry.get(repo, pull.number)?.headOid === pull.headSha) continue;
      const deploy = parseTrailers(pull.body).deploys.find((entry) =>
        gated.some(([name]) => name === entry.environment),
      );
      const environment = deploy ? config.environments[deploy.environment] : undefined;
      if (!deploy || !environment?.after || environment.mode === "commit") continue;
      this.deps.registry.put({
        installationId,
        manifests: { owner: repo.owner, name: repo.name },
        pull: pull.number,
        headOid: pull.headSha,
        environment: deploy.environment,
        rule: environment.after,
        image: deploy.image,
        tag: deploy.tag,
        mode: environment.mode,
        mergeMethod: environment.mergeMethod,
        checkRunId: undefined,
        shown: undefined,
        openedAt: this.deps.now(),
      });
      void this.settle(repo, pull.number);
    }
  }

  /** A `FeedbackHub` listener: an observation of an environment moves the gates that wait on it. */
  readonly observed = async (observed: EnvironmentObservation): Promise<void> => {
    const gates = this.deps.registry
      .list(observed.manifests)
      .filter((gate) => gate.rule.environment === observed.environment && !settled(gate));
    await Promise.all(gates.map((gate) => this.settle(gate.manifests, gate.pull)));
  };

  /** Looks at every open gate (time passes: a soak may be over). */
  async tick(): Promise<void> {
    const open = this.deps.registry.list().filter((gate) => !settled(gate));
    await Promise.all(open.map((gate) => this.settle(gate.manifests, gate.pull)));
  }

  /** A pull request closed (merged or not): its gate has nothing left to say. */
  closed(manifests: ManifestsRepoId, pull: number): void {
    this.deps.registry.delete(manifests, pull);
  }

  /** Ticks every `tickMs` until `stop()`. */
  start(tickMs: number): void {
    if (this.timer || tickMs <= 0) return;
    this.timer = setInterval(() => {
      this.tick().catch((error: unknown) => this.deps.log.warn({ err: error }, "gates: tick failed"));
    }, tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Resolves when no gate is being brought up to date. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Brings one gate up to date; while that runs, a second call makes it look once more afterwards. */
  private settle(manifests: ManifestsRepoId, pull: number): Promise<void> {
    const key = keyOf(manifests, pull);
    const busy = this.running.get(key);
    if (busy) {
      this.again.add(key);
      return busy;
    }
    const run = (async () => {
      do {
        this.again.delete(key);
        try {
          await this.step(manifests, pull);
        } catch (error) {
          this.deps.log.warn(
            { repo: `${manifests.owner}/${manifests.name}`, pull, err: error },
            "gates: could not update the gate; the next observation or tick tries again",
          );
        }
      } while (this.again.has(key));
    })().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  private async step(manifests: ManifestsRepoId, pull: number): Promise<void> {
    let gate = this.deps.registry.get(manifests, pull);
    if (!gate || settled(gate)) return;
    const octokit = await this.deps.auth(gate.installationId);
    if (gate.checkRunId === undefined) {
      // Said already (before a restart, say): that check run is kept and updated, not a second one made.
      const found = await findGateRun(
        octokit,
        gate.manifests,
        gate.headOid,
        (await this.deps.identity()).slug,
      );
      if (found) {
        gate = { ...gate, checkRunId: found.id, shown: found.shown };
        this.keep(gate);
        if (found.shown.status === "completed") return this.concluded(octokit, gate, found.shown);
      }
    }
    const health = this.deps.ledger.current(gate.manifests, gate.rule.environment, gate.image);
    const verdict = gateVerdict(gate.rule, gate, health, this.deps.now());
    const detailsUrl = detailsUrlOf(health?.url);
    if (gate.checkRunId === undefined || !sameVerdict(gate.shown, verdict)) {
      await this.deps.pacer(gate.installationId).take("report");
      const checkRunId =
        gate.checkRunId ?? (await createGateRun(octokit, gate.manifests, gate.headOid, verdict, detailsUrl));
      if (gate.checkRunId !== undefined)
        await updateGateRun(octokit, gate.manifests, gate.checkRunId, verdict, detailsUrl);
      this.keep({ ...gate, checkRunId, shown: verdict });
    }
    if (verdict.status === "completed") await this.concluded(octokit, gate, verdict);
  }

  /** Records what the gate's check run says, while the pull request still has this head. */
  private keep(gate: OpenGate): void {
    if (this.deps.registry.get(gate.manifests, gate.pull)?.headOid === gate.headOid)
      this.deps.registry.put(gate);
  }

  /** A gate that passed or failed: logged; passed in `auto-merge` mode, the pull request merges now. */
  private async concluded(octokit: Octokit, gate: OpenGate, verdict: GateVerdict): Promise<void> {
    if (verdict.status !== "completed") return;
    this.deps.log.info(
      {
        repo: `${gate.manifests.owner}/${gate.manifests.name}`,
        pull: gate.pull,
        environment: gate.environment,
        after: gate.rule.environment,
        conclusion: verdict.conclusion,
      },
      `gate: ${verdict.title}`,
    );
    if (verdict.conclusion === "success" && gate.mode === "auto-merge")
      await mergeAfterGate(octokit, this.deps.pacer(gate.installationId), this.deps.log, gate);
  }
}

/** A gate whose check run passed or failed: it says nothing more (a newer head gets its own). */
function settled(gate: OpenGate): boolean {
  return gate.shown?.status === "completed";
}
