import {
  CONFIG_PATH,
  environmentsForPath,
  shaFromTag,
  type Config,
  type ConfigProblem,
} from "../config/index.js";
import { createCommit } from "../adapters/github/create-commit.js";
import { listTree } from "../adapters/github/list-tree.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import { readBlobs, readBlobTexts } from "../adapters/github/read-blobs.js";
import type { Snapshot } from "../adapters/github/read-snapshot.js";
import { fullName, type Build } from "../core/plan/build.js";
import { deployedImages } from "../core/plan/deployed.js";
import {
  comparisonsForBatch,
  planBatch,
  type BatchFile,
  type BatchInput,
  type BatchPlan,
  type PullRequestChange,
} from "../core/plan/plan-batch.js";
import { pullRequestBranch } from "../core/render/pull-request-text.js";
import { resolveBuild } from "../core/plan/resolve-build.js";
import { onePerBuild } from "../core/plan/one-per-build.js";
import type { PlanSkip } from "../core/plan/skip.js";
import { branchClaims, withoutBranches } from "../core/plan/branch-claims.js";
import type { Wanted } from "../core/plan/wanted.js";
import { commitMessage } from "../core/render/commit-message.js";
import { skipText } from "../core/render/skip-text.js";
import { planSummary } from "../core/render/plan-summary.js";
import type { CompareCache } from "./compare-cache.js";
import { readHead } from "./read-head.js";
import type { ManifestIndex } from "./manifest-index.js";
import type { Pacer } from "./pacer.js";
import { reportConfigProblems } from "./report-config-problems.js";
import { reportOutcomes, type Reported } from "./reporter.js";
import { retryDelayMs } from "./transient.js";
import { RefusedFilesReport } from "./report-refused-files.js";
import { closeObsoletePull, readOpenPull, upsertPullRequest, type OpenPull } from "./pull-requests.js";
import { Lru } from "./lru.js";
import type { AppIdentity } from "./app-identity.js";
import { editState, freezeOf, parseState, STATE_PATH, type Freeze } from "../state/state-file.js";
import type { CommandJob, CommandResult } from "../commands/command-job.js";
import type { Landing } from "../core/plan/landing.js";
import { settleStateEdits } from "../core/alerts/settle-state-edits.js";

/** A build from a webhook, or a person's command: both go through the same queue and batches. */
export type DeployItem = BuildItem | CommandItem;

export interface BuildItem {
  readonly kind: "build";
  readonly installationId: number;
  readonly repo: RepoId;
  readonly build: Build;
  /** The image this build most likely means here (from the cached config): read its files with the head. */
  readonly hintImage: string | undefined;
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
  readonly onOutcomes?: (reported: readonly Reported[]) => void;
  readonly onPullRequest?: (action: "opened" | "updated" | "unchanged" | "closed") => void;
}

const MAX_STALE_RETRIES = 6;
const MAX_TRANSIENT_RETRIES = 5;
/**
 * Rounds of ordering questions per batch: each round asks what the scan for the newest build needs
 * given the answers so far (usually one round: the builds' histories answer the rest from memory).
 */
const MAX_COMPARE_ROUNDS = 6;

type Attempt =
  | {
      kind: "done";
      reported: Reported[];
      config: Config;
      stateLanding: Landing | undefined;
      /** The environments frozen when the batch was planned (a person's change went through anyway). */
      frozen: ReadonlyMap<string, Freeze>;
    }
  | { kind: "stale" }
  | { kind: "stopped"; reason: string };

/**
 * One batch for one manifests repository: read once, plan purely, write one commit guarded by the head
 * it was planned on; when the head moved, read and plan again (bounded, with jitter); then report.
 */
export class Deployer {
  private readonly reportedConfigs = new Lru<string, true>(1000);
  private readonly refusedFiles = new RefusedFilesReport();
  private reporting: Promise<void> = Promise.resolve();

  constructor(private readonly deps: DeployerDeps) {}

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
      for (const item of commands) {
        const mine = new Set(item.job.wanted);
        item.settle({
          kind: "done",
          stateLanding: item.job.edits.length > 0 ? attempt.stateLanding : undefined,
          frozen: [
            ...new Set(item.job.wanted.flatMap((wanted) => wanted.explicit?.environments ?? [])),
          ].flatMap((environment) => {
            const freeze = attempt.frozen.get(environment);
            return freeze ? [{ environment, ...freeze }] : [];
          }),
          reported: attempt.reported.filter(({ outcome }) => mine.has(outcome.wanted)),
        });
      }
    } catch (error) {
      settle({ kind: "failed", message: `GitHub kept failing: ${String(error)}` });
      throw error;
    }
  }

  /** Attempts the batch until it lands, stops, or fails for good (throws); starts its reports. */
  private async runAttempts(items: readonly DeployItem[]): Promise<Attempt | undefined> {
    const first = items[0];
    if (!first) return undefined;
    const octokit = await this.deps.auth(first.installationId);
    let stale = 0;
    let transient = 0;
    for (;;) {
      let attempt: Attempt;
      try {
        attempt = await this.attempt(octokit, first.installationId, first.repo, items);
      } catch (error) {
        const delay = retryDelayMs(error, ++transient);
        if (delay === undefined || transient > MAX_TRANSIENT_RETRIES) throw error;
        this.deps.log.warn(
          { repo: repoKey(first.repo), delay, err: error },
          "GitHub call failed; retrying the batch",
        );
        await this.deps.sleep(delay);
        continue;
      }
      if (attempt.kind === "stale") {
        if (++stale > MAX_STALE_RETRIES)
          throw new Error(
            `${repoKey(first.repo)}: the branch kept moving; gave up after ${MAX_STALE_RETRIES} attempts`,
          );
        await this.deps.sleep(Math.round((100 + this.deps.random() * 400) * stale));
        continue;
      }
      if (attempt.kind === "done") this.deps.onOutcomes?.(attempt.reported);
      // A person's command is answered in its comment, not with statuses on the source commit; a
      // reconciliation pass reports what it wrote, and shows what it did not on the dashboard (it would
      // say the same again every pass).
      const reported =
        attempt.kind === "done"
          ? attempt.reported.filter(
              ({ outcome }) =>
                !outcome.wanted.explicit &&
                (outcome.wanted.build.trigger !== "reconcile" || outcome.kind === "written"),
            )
          : [];
      if (attempt.kind === "done" && reported.length > 0) {
        // Reports go out in the background, paced behind the writes: the next batch does not wait for them.
        const pacer = this.deps.pacer(first.installationId);
        const { config } = attempt;
        this.reporting = this.reporting
          .then(() => reportOutcomes(octokit, pacer, first.repo, reported, config.report))
          .catch((error: unknown) =>
            this.deps.log.warn(
              { repo: repoKey(first.repo), err: error },
              "could not report back on the source commits",
            ),
          );
      }
      return attempt;
    }
  }

  private async attempt(
    octokit: Octokit,
    installationId: number,
    repo: RepoId,
    items: readonly DeployItem[],
  ): Promise<Attempt> {
    const key = repoKey(repo);
    const startedAt = Date.now();
    const jobs = items.flatMap((item) => (item.kind === "command" ? [item.job] : []));
    const hints = [
      ...new Set(
        items.flatMap((item) =>
          item.kind === "build"
            ? item.hintImage
              ? [item.hintImage]
              : []
            : item.job.wanted.map((wanted) => wanted.image),
        ),
      ),
    ];
    const head = await readHead(octokit, repo, [STATE_PATH, ...this.deps.index.likelyPaths(key, hints)]);
    if (head.kind === "no-config" || head.kind === "no-branch") {
      this.deps.log.warn({ repo: key }, `${head.reason}: nothing deployed`);
      return { kind: "stopped", reason: head.reason };
    }
    if (head.kind === "invalid") {
      const { snapshot } = head;
      await this.stopOnProblems(
        octokit,
        installationId,
        repo,
        snapshot,
        snapshot.config?.oid ?? "",
        head.problems,
      );
      return { kind: "stopped", reason: `${CONFIG_PATH} is not valid: see the check run on ${key}` };
    }
    const { snapshot, config } = head;

    const stateFile = snapshot.files.get(STATE_PATH);
    const state = parseState(stateFile?.text);
    if (!state.ok) {
      // Without its holds and freezes, nothing automatic may move: stop and say where to look.
      const problem = {
        file: STATE_PATH,
        line: state.line,
        column: 1,
        message: state.message,
        fix: "correct the entry, or delete it to lift that hold or freeze",
      };
      await this.stopOnProblems(octokit, installationId, repo, snapshot, stateFile?.oid ?? "", [problem]);
      return {
        kind: "stopped",
        reason: `${STATE_PATH} is not valid (line ${state.line}: ${state.message}): correct or delete that entry`,
      };
    }
    // The commands' holds and freezes count for this very batch: a build racing a /freeze waits.
    const edits = settleStateEdits(
      state.state,
      jobs.flatMap((job) => job.edits),
    );
    const stateText = edits.length > 0 ? editState(stateFile?.text, edits) : stateFile?.text;
    const stateWrite =
      stateText !== stateFile?.text ? { path: STATE_PATH, text: stateText ?? "" } : undefined;
    const stops = stateWrite ? parseState(stateWrite.text) : state;
    if (!stops.ok) throw new Error(`the edited ${STATE_PATH} does not parse: ${stops.message}`);

    const resolved: Wanted[] = jobs.flatMap((job) => job.wanted);
    for (const item of items) {
      if (item.kind !== "build") continue;
      const resolution = resolveBuild(config, item.build);
      if (resolution.ok) resolved.push(resolution.wanted);
      else
        // Every other tag of an image (latest, v1) arrives as its own event: not worth an info line each.
        this.deps.log[resolution.ignored.reason === "tag-not-from-template" ? "debug" : "info"](
          { repo: key, build: item.build.id, ...resolution.ignored },
          "build ignored for this manifests repository",
        );
    }
    const wanted = onePerBuild(resolved);
    if (wanted.length === 0 && !stateWrite)
      return { kind: "done", reported: [], config, stateLanding: undefined, frozen: new Map() };

    const files = wanted.length > 0 ? await this.batchFiles(octokit, repo, snapshot, config, wanted) : [];
    if (wanted.length > 0) this.reportRefused(octokit, installationId, repo, snapshot.headOid, config);
    const readAt = Date.now();
    const asked = { config, wanted, files, stops: { state: stops.state, now: this.deps.now() } };
    const { input, fetched } = await this.branchesChecked(octokit, key, asked);
    await this.fetchComparisons(octokit, key, input, fetched);
    const comparedAt = Date.now();
    const plan = planBatch(input, this.deps.compares.lookup);
    const plannedAt = Date.now();
    this.logPlan(key, plan);

    const reported: Reported[] = [];
    let stateLanding: Landing | undefined;
    const writes = [...plan.commit.writes, ...(stateWrite ? [stateWrite] : [])];
    if (writes.length > 0) {
      await this.deps.pacer(installationId).take(true);
      const result = await createCommit(
        octokit,
        repo,
        snapshot.branch,
        snapshot.headOid,
        commitMessage(plan.commit.updates, stateWrite ? edits : []),
        writes,
      );
      if (!result.ok) return { kind: "stale" };
      const landing = {
        kind: "commit" as const,
        url: result.url,
        label: result.oid.slice(0, 7),
        oid: result.oid,
      };
      if (stateWrite) stateLanding = landing;
      this.deps.index.committed(key, snapshot.treeOid, result.treeOid, writes);
      this.deps.log.info(
        {
          repo: key,
          commit: result.oid,
          files: writes.length,
          builds: plan.commit.updates.length,
          ms: {
            read: readAt - startedAt,
            compare: comparedAt - readAt,
            plan: plannedAt - comparedAt,
            write: Date.now() - plannedAt,
          },
        },
        "committed",
      );
      this.deps.onCommit?.({
        repo,
        oid: result.oid,
        builds: [...new Set(plan.commit.updates.map((update) => update.wanted.build))],
      });
      const inCommit = new Set(plan.commit.updates);
      for (const outcome of plan.outcomes)
        if (outcome.kind === "written" && outcome.updates.some((update) => inCommit.has(update)))
          reported.push({ outcome, landing });
    }
    const pacer = this.deps.pacer(installationId);
    const base = { branch: snapshot.branch, headOid: snapshot.headOid, treeOid: snapshot.treeOid };
    for (const change of plan.pullRequests) {
      const branch = pullRequestBranch(change.environment, change.image);
      const { own: open, takenBy } = await readOpenPull(
        octokit,
        repo,
        branch,
        change.writes.map((write) => write.path),
        await this.deps.identity(),
      );
      // `--force` (a person's `/retag` in the pull request) replaces even a newer build the pull request carries.
      const newer =
        open && !change.wanted.explicit?.force ? await this.newerInPull(octokit, open, change) : undefined;
      const written = plan.outcomes.filter(
        (outcome) =>
          outcome.kind === "written" &&
          outcome.environment === change.environment &&
          outcome.wanted === change.wanted,
      );
      // Someone opened a pull request from the app's branch by hand (GitHub allows one per branch), or
      // the pull request already carries a newer build: nothing is written, and each build says why.
      const kept: PlanSkip | undefined = takenBy
        ? {
            reason: "not-written",
            line: undefined,
            message: `#${takenBy.number} by ${takenBy.login} is open from the app's branch ${branch}; close it so that the app opens its own pull request`,
          }
        : newer
          ? { reason: "superseded", by: newer }
          : undefined;
      if (kept) {
        for (const { wanted, environment } of written)
          reported.push({
            outcome: { kind: "skipped", wanted, environment, path: undefined, skip: kept },
            landing: undefined,
          });
        continue;
      }
      const mergeMethod = config.environments[change.environment]?.mergeMethod ?? "squash";
      const landing = await upsertPullRequest(
        octokit,
        pacer,
        this.deps.log,
        repo,
        base,
        change,
        mergeMethod,
        open,
      );
      this.deps.onPullRequest?.(landing.action);
      this.deps.log.info(
        { repo: key, pull: landing.number, environment: change.environment, image: change.image },
        "pull request up to date",
      );
      for (const outcome of written)
        reported.push({
          outcome,
          landing: {
            kind: "pull-request",
            url: landing.url,
            label: `#${landing.number}`,
            merged: landing.merged,
            awaiting: change.mode === "auto-merge" ? "checks" : "review",
            oid: landing.headOid,
            number: landing.number,
          },
        });
    }
    for (const settled of plan.settled) {
      const { own: open } = await readOpenPull(
        octokit,
        repo,
        pullRequestBranch(settled.environment, settled.image),
        [],
        await this.deps.identity(),
      );
      if (open) {
        await closeObsoletePull(
          octokit,
          pacer,
          repo,
          open,
          `${settled.image} already runs ${settled.tag} (or a newer build) in ${settled.environment} on ${snapshot.branch}`,
        );
        this.deps.onPullRequest?.("closed");
      }
    }
    for (const outcome of plan.outcomes)
      if (outcome.kind === "skipped") reported.push({ outcome, landing: undefined });
    const frozen = new Map(
      Object.keys(config.environments).flatMap((environment) => {
        const freeze = freezeOf(stops.state, environment, asked.stops.now);
        return freeze ? [[environment, freeze] as const] : [];
      }),
    );
    return { kind: "done", reported, config, stateLanding, frozen };
  }

  /** Fetches what the plan will ask about, round by round, until nothing new is needed (bounded). */
  private async fetchComparisons(
    octokit: Octokit,
    key: string,
    input: BatchInput,
    asked: Set<string>,
  ): Promise<void> {
    for (let round = 1; round <= MAX_COMPARE_ROUNDS; round++) {
      const pairs = comparisonsForBatch(input, this.deps.compares.known).filter(
        (pair) => !asked.has(pairKey(pair)),
      );
      if (pairs.length === 0) return;
      for (const pair of pairs) asked.add(pairKey(pair));
      await this.deps.compares.fetch(octokit, pairs);
    }
    this.deps.log.warn(
      { repo: key, rounds: MAX_COMPARE_ROUNDS },
      "builds still unordered after the last round of compares: the later arrival wins among them",
    );
  }

  /**
   * Fetches the ordering guard's answers and, in the same queries, whether each workflow run's commit is
   * on the branch it names: a run on a tag `main` says `head_branch: main` too. A build whose commit is
   * not on its branch counts as no branch's (it reaches no environment's branch rule).
   */
  private async branchesChecked(
    octokit: Octokit,
    key: string,
    input: BatchInput,
  ): Promise<{ input: BatchInput; fetched: Set<string> }> {
    const claims = branchClaims(input.config, input.wanted);
    // The first round of the ordering guard's pairs carries the claims: no query of their own. Its
    // pairs are not asked again (an unknown commit's answer is not kept, so it would be).
    const pairs = comparisonsForBatch(input, this.deps.compares.known);
    const verdicts = await this.deps.compares.fetch(octokit, pairs, claims);
    const fetched = new Set(pairs.map(pairKey));
    const refused = claims.filter((_claim, index) => !verdicts[index]);
    if (refused.length === 0) return { input, fetched };
    for (const claim of refused)
      this.deps.log.info(
        { repo: key, source: claim.repo, sha: claim.sha, branch: claim.branch },
        `${claim.sha.slice(0, 7)} is not on refs/heads/${claim.branch}: a tag or another ref named ${claim.branch} ran the build; it counts as no branch's`,
      );
    return { input: { ...input, wanted: withoutBranches(input.wanted, refused) }, fetched };
  }

  /**
   * An invalid config or state file: log it, and fail the configuration check run once per version of
   * the broken file (`fileOid`), so a retried or repeated batch does not report it again.
   */
  private async stopOnProblems(
    octokit: Octokit,
    installationId: number,
    repo: RepoId,
    snapshot: Snapshot,
    fileOid: string,
    problems: readonly ConfigProblem[],
  ): Promise<void> {
    const key = repoKey(repo);
    this.deps.log.error({ repo: key, problems }, "invalid configuration: nothing deployed until it is fixed");
    const reportKey = `${key}@${problems[0]?.file ?? ""}@${fileOid}`;
    if (this.reportedConfigs.has(reportKey)) return;
    this.reportedConfigs.set(reportKey, true);
    await reportConfigProblems(octokit, this.deps.pacer(installationId), repo, snapshot.headOid, problems);
  }

  /** Files under the environments' paths the index refused (too large, alias bombs): said once, in the background. */
  private reportRefused(
    octokit: Octokit,
    installationId: number,
    repo: RepoId,
    headOid: string,
    config: Config,
  ): void {
    const refused = this.deps.index.refused(
      repoKey(repo),
      (path) => environmentsForPath(config, path).length > 0,
    );
    if (refused.length === 0) return;
    const pacer = this.deps.pacer(installationId);
    this.reporting = this.reporting
      .then(() => this.refusedFiles.report(octokit, pacer, this.deps.log, repo, headOid, refused))
      .catch((error: unknown) =>
        this.deps.log.warn({ repo: repoKey(repo), err: error }, "could not report the refused files"),
      );
  }

  /** The build an open pull request carries when it descends from the change's build (then it stays). */
  private async newerInPull(
    octokit: Octokit,
    open: OpenPull,
    change: PullRequestChange,
  ): Promise<string | undefined> {
    const sha = change.wanted.build.sha;
    if (sha === undefined) return undefined;
    const repo = fullName(change.wanted.build.repository).toLowerCase();
    for (const [path, text] of open.texts) {
      const tag = deployedImages(path, text, [change.image]).get(change.image)?.tag;
      const pullSha = tag === undefined ? undefined : shaFromTag(change.wanted.tagTemplate, tag);
      if (pullSha === undefined || sha.startsWith(pullSha)) continue;
      await this.deps.compares.fetch(octokit, [{ repo, base: sha, head: pullSha }]);
      if (this.deps.compares.lookup(repo, sha, pullSha) === "ahead") return pullSha;
    }
    return undefined;
  }

  /** The texts of every file that refers to a wanted image, in the environments' paths, at the snapshot's head. */
  private async batchFiles(
    octokit: Octokit,
    repo: RepoId,
    snapshot: Snapshot,
    config: Config,
    wanted: readonly Wanted[],
  ): Promise<BatchFile[]> {
    const images = [...new Set(wanted.map((entry) => entry.image))];
    const reader = {
      listTree: (treeOid: string) => listTree(octokit, repo, treeOid),
      readBlobs: (oids: readonly string[]) => readBlobTexts(octokit, repo, oids),
    };
    const byImage = await this.deps.index.filesFor(
      repoKey(repo),
      snapshot.treeOid,
      reader,
      images,
      (path) => environmentsForPath(config, path).length > 0,
      snapshot.files,
    );
    const files = new Map<string, { oid: string; images: string[] }>();
    for (const [image, list] of byImage)
      for (const file of list) {
        const entry = files.get(file.path) ?? { oid: file.oid, images: [] };
        entry.images.push(image);
        files.set(file.path, entry);
      }
    const texts = new Map<string, string>();
    const missing: string[] = [];
    for (const [path, { oid }] of files) {
      const known = snapshot.files.get(path);
      const text = known?.oid === oid ? known.text : this.deps.index.text(oid);
      if (text === undefined) missing.push(oid);
      else texts.set(oid, text);
    }
    if (missing.length > 0)
      for (const [oid, text] of await readBlobs(octokit, repo, missing)) texts.set(oid, text);
    return [...files].flatMap(([path, { oid, images: fileImages }]) => {
      const text = texts.get(oid);
      return text === undefined ? [] : [{ path, text, images: fileImages }];
    });
  }

  /** One info line per batch (what it will write and skip); each skip's details at debug. */
  private logPlan(key: string, plan: BatchPlan): void {
    this.deps.log.info({ repo: key, ...planSummary(plan) }, "batch planned");
    for (const outcome of plan.outcomes)
      if (outcome.kind === "skipped")
        this.deps.log.debug(
          {
            repo: key,
            build: outcome.wanted.build.id,
            image: outcome.wanted.image,
            environment: outcome.environment,
            path: outcome.path,
            reason: outcome.skip.reason,
          },
          skipText(outcome.skip),
        );
  }
}

function pairKey(pair: { repo: string; base: string; head: string }): string {
  return `${pair.repo} ${pair.base} ${pair.head}`;
}
