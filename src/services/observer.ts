import {
  environmentsForPath,
  shaFromTag,
  sourceForImage,
  type Config,
  type SourceConfig,
} from "../config/index.js";
import { listTree } from "../adapters/github/list-tree.js";
import { repoKey, type Octokit, type RepoId } from "../adapters/github/octokit.js";
import { readBlobTexts } from "../adapters/github/read-blobs.js";
import type { Snapshot } from "../adapters/github/read-snapshot.js";
import {
  branchKey,
  readBranchHistories,
  readSourceHeads,
  type BranchHistory,
  type BranchHistoryQuery,
} from "../adapters/github/source-branches.js";
import { deployedImages } from "../core/plan/deployed.js";
import {
  newestBuild,
  observe,
  trackedBranch,
  type DeployedEntry,
  type Row,
  type SourceInfo,
} from "../core/reconcile/observe.js";
import { parseState, STATE_PATH, type State } from "../state/state-file.js";
import type { HeadRead } from "./read-head.js";
import { readHead } from "./read-head.js";
import { Lru } from "./lru.js";
import type { ManifestIndex, RefusedFile } from "./manifest-index.js";
import { notLookedFor } from "../core/reconcile/pass-looks-for.js";

/** How many commits of a tracked branch are read: enough to find the newest build and count how far behind. */
export const HISTORY_DEPTH = 30;

export interface Observation {
  readonly snapshot: Snapshot;
  readonly config: Config;
  readonly state: State;
  readonly rows: readonly Row[];
  /** Branches left unread because the request budget ran out (the next pass reads them first). */
  readonly unread: number;
  /** Files under the environments' paths the index refused (too large, too many aliases). */
  readonly refused: readonly RefusedFile[];
}

type Failed = { readonly kind: "failed"; readonly reason: string; readonly head: HeadRead };

export type ObserveResult = { readonly kind: "observed"; readonly observation: Observation } | Failed;

/** The manifests' side of an observation. */
export interface Deployments {
  readonly snapshot: Snapshot;
  readonly config: Config;
  readonly state: State;
  readonly entries: readonly DeployedEntry[];
  /** Files under the environments' paths the index refused (too large, too many aliases). */
  readonly refused: readonly RefusedFile[];
}

/** What one pass may still spend: `left()` GitHub requests. */
export interface Budget {
  left(): number;
}

const UNLIMITED: Budget = { left: () => Infinity };

/**
 * Reads what runs where and what each environment should run, cheaply enough to do every few minutes
 * for hundreds of services: the manifests come from the index (listed once per tree, parsed once per
 * blob); every source's branch heads come in one GraphQL query per 100 repositories; a branch's
 * history and builds are read only when its head moved, or a build on it was still running.
 */
export class Observer {
  /** Per `owner/name@branch`: the history read at a head, and whether a build newer than its newest success was running. */
  private readonly histories = new Lru<string, { history: BranchHistory; settled: boolean }>(20_000);
  /** Per `owner/name:sha`: the commit's date (commits never change). */
  private readonly dates = new Lru<string, string>(50_000);
  /** Per blob oid and image: the tag the file deploys (blobs never change). */
  private readonly tags = new Lru<string, string | null>(100_000);
  /** Branches whose turn came last when the budget ran out: first next time. */
  private readonly postponed = new Set<string>();

  constructor(private readonly index: ManifestIndex) {}

  async observe(
    octokit: Octokit,
    repo: RepoId,
    now: number,
    budget: Budget = UNLIMITED,
  ): Promise<ObserveResult> {
    const read = await this.deployments(octokit, repo);
    if (read.kind === "failed") return read;
    const { snapshot, config, state, entries, refused } = read.deployments;
    const { sources, unread } = await this.sources(octokit, config, entries, budget);
    const rows = observe({ config, state, now, entries, sources, depth: HISTORY_DEPTH });
    return { kind: "observed", observation: { snapshot, config, state, rows, unread, refused } };
  }

  /**
   * What the manifests say, without the sources: the head, the config, the holds and freezes, and every
   * image a source builds in every environment file with its tag (what `/promote` and `/rollback` need).
   */
  async deployments(
    octokit: Octokit,
    repo: RepoId,
  ): Promise<{ readonly kind: "read"; readonly deployments: Deployments } | Failed> {
    const head = await readHead(octokit, repo, [STATE_PATH]);
    if (head.kind !== "ok") {
      const reason = head.kind === "invalid" ? "the configuration is not valid" : head.reason;
      return { kind: "failed", reason, head };
    }
    const { snapshot, config } = head;
    const parsed = parseState(snapshot.files.get(STATE_PATH)?.text);
    if (!parsed.ok)
      return {
        kind: "failed",
        reason: `${STATE_PATH} is not valid (line ${parsed.line}: ${parsed.message})`,
        head,
      };
    const entries = await this.entries(octokit, repo, snapshot, config);
    const refused = this.index.refused(repoKey(repo), (path) => environmentsForPath(config, path).length > 0);
    return { kind: "read", deployments: { snapshot, config, state: parsed.state, entries, refused } };
  }

  /** Every image a source of the config builds, in every file of every environment, with its tag. */
  private async entries(
    octokit: Octokit,
    repo: RepoId,
    snapshot: Snapshot,
    config: Config,
  ): Promise<DeployedEntry[]> {
    const reader = {
      listTree: (treeOid: string) => listTree(octokit, repo, treeOid),
      readBlobs: (oids: readonly string[]) => readBlobTexts(octokit, repo, oids),
    };
    const files = await this.index.imagesIn(
      repoKey(repo),
      snapshot.treeOid,
      reader,
      (path) => environmentsForPath(config, path).length > 0,
      snapshot.files,
    );
    const wanted = files.flatMap((file) => {
      const images = file.images.filter((image) => sourceForImage(config, image) !== undefined);
      return images.length > 0 ? [{ ...file, images }] : [];
    });
    const missing = wanted.filter(
      (file) =>
        file.images.some((image) => !this.tags.has(`${file.oid}:${image}`)) &&
        this.index.text(file.oid) === undefined,
    );
    const read =
      missing.length > 0 ? (await reader.readBlobs(missing.map((file) => file.oid))).texts : new Map();
    const entries: DeployedEntry[] = [];
    for (const file of wanted) {
      const unknown = file.images.filter((image) => !this.tags.has(`${file.oid}:${image}`));
      if (unknown.length > 0) {
        const text = this.index.text(file.oid) ?? read.get(file.oid);
        const deployed = text === undefined ? new Map() : deployedImages(file.path, text, unknown);
        for (const image of unknown) this.tags.set(`${file.oid}:${image}`, deployed.get(image)?.tag ?? null);
      }
      for (const environment of environmentsForPath(config, file.path))
        for (const image of file.images)
          entries.push({
            environment,
            path: file.path,
            image,
            tag: this.tags.get(`${file.oid}:${image}`) ?? undefined,
          });
    }
    return entries;
  }

  /** The source repositories' default branches, tracked branches' histories and deployed commits' dates. */
  private async sources(
    octokit: Octokit,
    config: Config,
    entries: readonly DeployedEntry[],
    budget: Budget,
  ): Promise<{ sources: Map<string, SourceInfo | null>; unread: number }> {
    const repos = new Map<
      string,
      { owner: string; name: string; source: SourceConfig; environments: Set<string>; shas: Set<string> }
    >();
    for (const entry of entries) {
      const found = sourceForImage(config, entry.image);
      // Another host, builds only from the endpoint or a registry, tags by build number or version:
      // nothing on GitHub to look for (`notLookedFor`), and no request for it.
      if (!found || notLookedFor(found.source, `${found.owner}/${found.repo}`) !== undefined) continue;
      const key = `${found.owner}/${found.repo}`;
      const repo = repos.get(key) ?? {
        owner: found.owner,
        name: found.repo,
        source: found.source,
        environments: new Set(),
        shas: new Set(),
      };
      repo.environments.add(entry.environment);
      const sha = entry.tag === undefined ? undefined : shaFromTag(found.source.tag, entry.tag);
      if (sha !== undefined) repo.shas.add(sha);
      repos.set(key, repo);
    }
    const literalBranches = (environments: Set<string>): string[] => [
      ...new Set(
        [...environments].flatMap(
          (name) => config.environments[name]?.branches?.filter((branch) => !/[*?[\]{}!]/.test(branch)) ?? [],
        ),
      ),
    ];
    const heads = await readSourceHeads(
      octokit,
      [...repos.values()].map((repo) => ({
        owner: repo.owner,
        name: repo.name,
        branches: literalBranches(repo.environments),
        commits: [...repo.shas].filter((sha) => !this.dates.has(`${repo.owner}/${repo.name}:${sha}`)),
      })),
    );
    const wantedBranches: { key: string; query: BranchHistoryQuery; head: string }[] = [];
    for (const [key, repo] of repos) {
      const found = heads.get(key);
      if (!found) continue;
      for (const [sha, commit] of found.commits) if (commit) this.dates.set(`${key}:${sha}`, commit.date);
      const branches = new Set(
        [...repo.environments].flatMap((name) => {
          const env = config.environments[name];
          const branch = env ? trackedBranch(env, found.defaultBranch) : undefined;
          return branch === undefined ? [] : [branch];
        }),
      );
      for (const branch of branches) {
        const head = found.heads.get(branch);
        if (!head) continue;
        const query = { owner: repo.owner, name: repo.name, branch };
        const cached = this.histories.get(branchKey(query));
        if (cached?.settled && cached.history.headOid === head) continue;
        wantedBranches.push({ key: branchKey(query), query, head });
      }
    }
    // Branches postponed by an earlier pass go first; the budget decides how many are read now.
    wantedBranches.sort((a, b) => Number(this.postponed.has(b.key)) - Number(this.postponed.has(a.key)));
    // Kept back: the requests that follow the reads (open pull requests, the dashboard).
    const affordable = Math.max(0, Math.floor(budget.left() - RESERVED)) * BRANCHES_PER_REQUEST;
    const now = wantedBranches.slice(0, affordable);
    const later = wantedBranches.slice(affordable);
    this.postponed.clear();
    for (const entry of later) this.postponed.add(entry.key);
    const read = await readBranchHistories(
      octokit,
      now.map((entry) => entry.query),
      HISTORY_DEPTH,
    );
    const sources = new Map<string, SourceInfo | null>();
    for (const [key, repo] of repos) {
      const found = heads.get(key);
      if (!found) {
        sources.set(key, null);
        continue;
      }
      const histories = new Map<string, BranchHistory | null>();
      for (const [branch, head] of found.heads) {
        const historyKey = branchKey({ owner: repo.owner, name: repo.name, branch });
        if (head === null) {
          histories.set(branch, null);
          continue;
        }
        const fresh = read.get(historyKey);
        if (fresh) {
          // A build still running above the newest success may finish: read the branch again next time.
          // Each image of a monorepo has its own builds: settled when none of them is still running.
          const settled = !repo.source.images.some(
            (image) => newestBuild(repo.source, fresh, image)?.pending ?? false,
          );
          this.histories.set(historyKey, { history: fresh, settled });
          histories.set(branch, fresh);
        } else {
          const cached = this.histories.get(historyKey);
          if (cached && cached.history.headOid === head) histories.set(branch, cached.history);
        }
      }
      const dates = new Map<string, string>();
      for (const sha of repo.shas) {
        const date = this.dates.get(`${key}:${sha}`);
        if (date !== undefined) dates.set(sha, date);
      }
      sources.set(key, { url: found.url, defaultBranch: found.defaultBranch, histories, dates });
    }
    return { sources, unread: later.length };
  }
}

/** Branch histories one GraphQL request reads (see `readBranchHistories`). */
const BRANCHES_PER_REQUEST = 25;
/** Requests a pass keeps for what follows its reads: open pull requests and the dashboard issue. */
const RESERVED = 3;
