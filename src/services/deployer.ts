import { CONFIG_PATH, environmentsForPath, type Config, type ConfigProblem } from "../config/index.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import type { Snapshot } from "../adapters/github/read-snapshot.js";
import type { Build } from "../core/plan/build.js";
import { planBatch } from "../core/plan/plan-batch.js";
import type { CompareCache } from "./compare-cache.js";
import { readHead } from "./read-head.js";
import type { ManifestIndex } from "./manifest-index.js";
import type { Pacer } from "./pacer.js";
import { reportConfigProblems } from "./report-config-problems.js";
import { reportOutcomes, type Lifecycle, type Reported } from "./reporter.js";
import { MemoryDeploymentLedger, type DeploymentLedger } from "../feedback/deployment-ledger.js";
import { retryDelayMs } from "./transient.js";
import { RefusedFilesReport } from "./report-refused-files.js";
import { Lru } from "./lru.js";
import type { AppIdentity } from "./app-identity.js";
import { STATE_PATH } from "../state/state-file.js";
import type { CommandJob, CommandResult } from "../commands/command-job.js";
import { commandDone, frozenEnvironments, onSourceCommits, type Attempt } from "./deploy/attempt.js";
import type { Batch } from "./deploy/batch.js";
import { batchFiles } from "./deploy/batch-files.js";
import { IndexCompletions } from "./deploy/complete-index.js";
import { batchHints, batchJobs, resolveItems } from "./deploy/batch-items.js";
import { batchState, type BatchState } from "./deploy/batch-state.js";
import { logPlan } from "./deploy/log-plan.js";
import { historyQuestions, orderBuilds } from "./deploy/ordering.js";
import { closeSettledPulls, updatePullRequests } from "./deploy/pull-request-steps.js";
import { writeBatchCommit } from "./deploy/write-commit.js";

/** A build from a webhook, or a person's command: both go through the same queue and batches. */
export type DeployItem = BuildItem | CommandItem;

export interface BuildItem {
  readonly kind: "build";
  readonly installationId: number;
  readonly repo: RepoId;
  readonly build: Build;
  /** The image this build most likely means here (from the cached config): read its files with the head. */
  readonly hintImage: string | undefined;
  /**
   * The repository's config as the registry read it when the build was routed: the ordering guard asks
   * its questions in the head's read with it when no batch has read the head's own config yet.
   */
  readonly config?: Config;
}

export interface CommandItem {
  readonly kind: "command";
  readonly installationId: number;
  readonly repo: RepoId;
  readonly job: CommandJob;
  /** Called once, when the batch carrying the command is done or has given up. */
  readonly settle: (result: CommandResult) => void;
}

export interface Logger {
  debug(object: object, message: string): void;
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface DeployerDeps {
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly index: ManifestIndex;
  readonly compares: CompareCache;
  readonly pacer: (installationId: number) => Pacer;
  readonly log: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly now: () => number;
  /** Who the app is: only its own pull requests are updated or closed. */
  readonly identity: () => Promise<AppIdentity>;
  /** Called after each landed commit with the builds it carried (for metrics and benchmarks). */
  readonly onCommit?: (event: { repo: RepoId; oid: string; builds: readonly Build[] }) => void;
  /** Called with what became of every build of a batch that was done, and with each pull request touched (metrics). */
  readonly onOutcomes?: (
    reported: readonly Reported[],
    batch: { installationId: number; repo: RepoId; config: Config },
  ) => void;
  readonly onPullRequest?: (action: "opened" | "updated" | "unchanged" | "closed") => void;
  /** The deployments the app follows from written to Healthy (the feedback pipeline updates them). */
  readonly deployments?: DeploymentLedger;
  /** Queues a build again (files found after a first pass reference its image): the deploy queue. */
  readonly followUp?: (item: BuildItem) => void;
}

const MAX_STALE_RETRIES = 6;
const MAX_TRANSIENT_RETRIES = 5;

/** The head a batch plans on: its snapshot, config, and the holds and freezes with the commands' edits. */
type HeadStep =
  | { kind: "read"; snapshot: Snapshot; config: Config; state: Extract<BatchState, { ok: true }> }
  | { kind: "stopped"; reason: string };

/**
 * One batch for one manifests repository: read once, plan purely, write one commit guarded by the head
 * it was planned on; when the head moved, read and plan again (bounded, with jitter); then report.
 */
export class Deployer {
  private readonly reportedConfigs = new Lru<string, true>(1000);
  private readonly refusedFiles = new RefusedFilesReport();
  private reporting: Promise<void> = Promise.resolve();
  private readonly lifecycle: Lifecycle;
  private readonly completions: IndexCompletions;
  /** Each repository's config as the last batch read it: which builds' histories to ask with the head. */
  private readonly lastConfigs = new Lru<string, Config>(1000);

  constructor(private readonly deps: DeployerDeps) {
    this.lifecycle = { ledger: deps.deployments ?? new MemoryDeploymentLedger(), now: deps.now };
    this.completions = new IndexCompletions(deps);
  }

  /** Resolves when the index has read what first passes left unread (builds queued again by then). */
  indexCompleted(): Promise<void> {
    return this.completions.settled();
  }

  /** Resolves when every report queued so far has been sent (or has failed and been logged). */
  async reportsSent(): Promise<void> {
    let last: Promise<void> | undefined;
    while (last !== this.reporting) {
      last = this.reporting;
      await last;
    }
  }

  async run(items: readonly DeployItem[]): Promise<void> {
    const commands = items.filter((item): item is CommandItem => item.kind === "command");
    const settle = (result: CommandResult) => commands.forEach((item) => item.settle(result));
    try {
      const attempt = await this.runAttempts(items);
      if (attempt?.kind === "stopped") settle({ kind: "failed", message: attempt.reason });
      if (attempt?.kind !== "done") return;
      for (const item of commands) item.settle(commandDone(item, attempt));
    } catch (error) {
      settle({ kind: "failed", message: `GitHub kept failing: ${String(error)}` });
      throw error;
    }
  }

  /**
   * Attempts the batch until it lands, stops, or fails for good (throws); starts its reports. The one
   * error boundary of a batch: what GitHub may answer next time is retried (a moved head, a transient
   * error), anything else ends the batch.
   */
  private async runAttempts(items: readonly DeployItem[]): Promise<Attempt | undefined> {
    const first = items[0];
    if (!first) return undefined;
    const octokit = await this.deps.auth(first.installationId);
    const batch: Batch = {
      octokit,
      installationId: first.installationId,
      repo: first.repo,
      key: repoKey(first.repo),
    };
    let stale = 0;
    let transient = 0;
    for (;;) {
      let attempt: Attempt;
      try {
        attempt = await this.attempt(batch, items);
      } catch (error) {
        const delay = retryDelayMs(error, ++transient);
        if (delay === undefined || transient > MAX_TRANSIENT_RETRIES) throw error;
        this.deps.log.warn({ repo: batch.key, delay, err: error }, "GitHub call failed; retrying the batch");
        await this.deps.sleep(delay);
        continue;
      }
      if (attempt.kind === "stale") {
        if (++stale > MAX_STALE_RETRIES)
          throw new Error(
            `${batch.key}: the branch kept moving; gave up after ${MAX_STALE_RETRIES} attempts`,
          );
        await this.deps.sleep(Math.round((100 + this.deps.random() * 400) * stale));
        continue;
      }
      if (attempt.kind === "done") this.startReports(batch, attempt);
      if (attempt.kind === "done" && attempt.firstPass)
        this.completions.start(batch, items, attempt.firstPass.wanted, attempt.firstPass.unread);
      return attempt;
    }
  }

  /** One attempt at the batch, step by step; a moved head ends it as "stale". */
  private async attempt(batch: Batch, items: readonly DeployItem[]): Promise<Attempt> {
    const startedAt = Date.now();
    // 1. Read the head: config, state file and the likely files, in one query; stop on what is invalid.
    const head = await this.readBatchHead(batch, items);
    if (head.kind === "stopped") return head;
    const { snapshot, config, state } = head;
    // 2. Resolve the builds and the commands into what each wants here, one per build.
    const wanted = resolveItems(config, items, this.deps.log, batch.key);
    if (wanted.length === 0 && !state.write)
      return { kind: "done", reported: [], config, stateLanding: undefined, frozen: new Map() };
    // 3. Read the files that deploy the wanted images: builds alone, which a follow-up can queue again,
    // may be planned on a first pass (see batchFiles); a person's command reads every file.
    const firstPass = this.deps.followUp !== undefined && items.every((item) => item.kind === "build");
    const found =
      wanted.length > 0
        ? await batchFiles(this.deps.index, batch, snapshot, config, wanted, firstPass)
        : { files: [], unread: undefined };
    const { files } = found;
    if (wanted.length > 0) this.reportRefused(batch, snapshot.headOid, config);
    const readAt = Date.now();
    // 4. Order the builds and check their branch claims (the compare cache answers the plan).
    const now = this.deps.now();
    const asked = { config, wanted, files, stops: { state: state.stops, now } };
    const input = await orderBuilds(this.deps, batch, asked, snapshot.history);
    const comparedAt = Date.now();
    // 5. Plan, purely.
    const plan = planBatch(input, this.deps.compares.lookup);
    const plannedAt = Date.now();
    logPlan(this.deps.log, batch.key, plan);
    // 6. Write one commit, guarded by the head it was planned on.
    const stamps = { startedAt, readAt, comparedAt, plannedAt };
    const commit = await writeBatchCommit(this.deps, batch, snapshot, plan, state, stamps);
    if (commit.kind === "stale") return commit;
    // 7. Pull requests: the app's living pull requests updated, those the branch settled closed.
    const pulls = await updatePullRequests(this.deps, batch, snapshot, config, plan);
    await closeSettledPulls(this.deps, batch, snapshot, plan);
    // 8. Report: what was written where, what was skipped and why, which environments were frozen.
    const skipped = plan.outcomes.flatMap((outcome) =>
      outcome.kind === "skipped" ? [{ outcome, landing: undefined }] : [],
    );
    return {
      kind: "done",
      reported: [...commit.reported, ...pulls, ...skipped],
      config,
      stateLanding: commit.stateLanding,
      frozen: frozenEnvironments(config, state.stops, now),
      firstPass: found.unread && { wanted, unread: found.unread },
    };
  }

  /** Step 1: the head, its config and the state the batch plans with; or why nothing may be deployed. */
  private async readBatchHead(batch: Batch, items: readonly DeployItem[]): Promise<HeadStep> {
    const { octokit, repo, key } = batch;
    const builds = items.flatMap((item) => (item.kind === "build" ? [item.build] : []));
    // With the builds' histories, those of the commits their files deployed when last read (a guess).
    const guess = this.lastConfigs.get(key) ?? routedConfig(items);
    // With a fleet: what another replica knows of the tree (a fresh replica's guesses as good as a warm one's).
    await this.deps.index.recall(key);
    const history = historyQuestions(this.deps.compares, guess, builds, (images) =>
      this.deps.index.likelyFiles(key, images),
    );
    const head = await readHead(
      octokit,
      repo,
      [STATE_PATH, ...this.deps.index.likelyPaths(key, batchHints(items))],
      history,
    );
    if (head.kind === "no-config" || head.kind === "no-branch") {
      this.deps.log.warn({ repo: key }, `${head.reason}: nothing deployed`);
      return { kind: "stopped", reason: head.reason };
    }
    if (head.kind === "invalid") {
      const { snapshot } = head;
      await this.stopOnProblems(batch, snapshot, snapshot.config?.oid ?? "", head.problems);
      return { kind: "stopped", reason: `${CONFIG_PATH} is not valid: see the check run on ${key}` };
    }
    const { snapshot, config } = head;
    this.lastConfigs.set(key, config);
    const state = batchState(snapshot, batchJobs(items));
    if (!state.ok) {
      await this.stopOnProblems(batch, snapshot, state.fileOid, [state.problem]);
      return { kind: "stopped", reason: state.reason };
    }
    return { kind: "read", snapshot, config, state };
  }

  /** The batch's outcomes to the metrics, and its reports on the source commits, in the background. */
  private startReports(batch: Batch, attempt: Extract<Attempt, { kind: "done" }>): void {
    this.deps.onOutcomes?.(attempt.reported, {
      installationId: batch.installationId,
      repo: batch.repo,
      config: attempt.config,
    });
    const reported = onSourceCommits(attempt.reported);
    if (reported.length === 0) return;
    // Reports go out in the background, paced behind the writes: the next batch does not wait for them.
    const pacer = this.deps.pacer(batch.installationId);
    const { config } = attempt;
    this.inBackground(
      batch,
      () => reportOutcomes(batch.octokit, pacer, batch.repo, reported, config.report, this.lifecycle),
      "could not report back on the source commits",
    );
  }

  /**
   * An invalid config or state file: log it, and fail the configuration check run once per version of
   * the broken file (`fileOid`), so a retried or repeated batch does not report it again.
   */
  private async stopOnProblems(
    { octokit, installationId, repo, key }: Batch,
    snapshot: Snapshot,
    fileOid: string,
    problems: readonly ConfigProblem[],
  ): Promise<void> {
    this.deps.log.error({ repo: key, problems }, "invalid configuration: nothing deployed until it is fixed");
    const reportKey = `${key}@${problems[0]?.file ?? ""}@${fileOid}`;
    if (this.reportedConfigs.has(reportKey)) return;
    this.reportedConfigs.set(reportKey, true);
    await reportConfigProblems(octokit, this.deps.pacer(installationId), repo, snapshot.headOid, problems);
  }

  /** Files under the environments' paths the index refused (too large, alias bombs): said once, in the background. */
  private reportRefused(batch: Batch, headOid: string, config: Config): void {
    const refused = this.deps.index.refused(
      batch.key,
      (path) => environmentsForPath(config, path).length > 0,
    );
    if (refused.length === 0) return;
    const pacer = this.deps.pacer(batch.installationId);
    this.inBackground(
      batch,
      () => this.refusedFiles.report(batch.octokit, pacer, this.deps.log, batch.repo, headOid, refused),
      "could not report the refused files",
    );
  }

  /** Queues a report behind the ones before it (see `reportsSent`); a failure is logged, never thrown. */
  private inBackground(batch: Batch, report: () => Promise<void>, failure: string): void {
    this.reporting = this.reporting
      .then(report)
      .catch((error: unknown) => this.deps.log.warn({ repo: batch.key, err: error }, failure));
  }
}

/** The config the registry held when one of the batch's builds was routed, if any. */
function routedConfig(items: readonly DeployItem[]): Config | undefined {
  for (const item of items) if (item.kind === "build" && item.config) return item.config;
  return undefined;
}
