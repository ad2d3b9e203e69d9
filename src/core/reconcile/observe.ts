import { imagePart } from "../image-ref/image-part.js";
import {
  branchAllowed,
  shaFromTag,
  sourceForImage,
  type Config,
  type EnvironmentConfig,
  type SourceConfig,
} from "../../config/index.js";
import type { SourceImage } from "../../config/config.js";
import { globMatcher } from "../../config/glob-matcher.js";
import { code } from "../render/markdown.js";
import { sourceName } from "../plan/build.js";
import { notLookedFor, tagOrder } from "./pass-looks-for.js";
import { freezeOf, holdOf, type Freeze, type Hold, type State } from "../../state/state-file.js";

/** One image in one file of one environment, as the manifests say now. */
export interface DeployedEntry {
  readonly environment: string;
  readonly path: string;
  readonly image: string;
  readonly tag: string | undefined;
}

/** A workflow run's check suite on a commit (GraphQL `CheckSuite` with its `workflowRun`). */
export interface SuiteInfo {
  readonly status: string;
  readonly conclusion: string | null;
  readonly event: string | undefined;
  readonly workflowPath: string | undefined;
}

/** The last commits of a source branch, newest first, with their check suites. */
export interface HistoryInfo {
  readonly headOid: string;
  readonly commits: readonly { oid: string; date: string; suites: readonly SuiteInfo[] }[];
}

/** What the reconciliation knows of one source repository. */
export interface SourceInfo {
  /** The repository's web address (links to commits). */
  readonly url: string;
  readonly defaultBranch: string;
  /** Per tracked branch: its recent history; null when the branch does not exist. */
  readonly histories: ReadonlyMap<string, HistoryInfo | null>;
  /** Commit dates of deployed commits, by the SHA as the tag has it. */
  readonly dates: ReadonlyMap<string, string>;
}

export interface ObserveInput {
  readonly config: Config;
  readonly state: State;
  readonly now: number;
  readonly entries: readonly DeployedEntry[];
  /** By `owner/name` in lower case; undefined: not read (yet), null: the app cannot see it. */
  readonly sources: ReadonlyMap<string, SourceInfo | null>;
  /** How many commits a history holds when it is not the whole branch. */
  readonly depth: number;
}

/** How one (environment, image, tag) stands against the newest successful build of its tracked branch. */
export type RowState =
  /** It runs the newest successful build (or a newer one). */
  | { readonly kind: "current" }
  /** A newer successful build exists: the pass repairs it unless held or frozen. */
  | { readonly kind: "behind"; readonly newest: { readonly sha: string; readonly date: string } }
  /** The deployed commit is not on the tracked branch (a build of another branch): left alone. */
  | { readonly kind: "other-branch" }
  /** No successful build among the branch's last commits. */
  | { readonly kind: "no-build" }
  /** Nothing to compare with, and why. */
  | { readonly kind: "untracked"; readonly why: string };

export interface Row {
  readonly environment: string;
  readonly image: string;
  /**
   * The image's short name (the last part of its name, `shop-api`) when its source builds several (a
   * monorepo): the dashboard and `/status` show it beside the repository, and commands take it.
   */
  readonly part?: string;
  /** `owner/name` of the source repository (lower case), when known. */
  readonly repository: string | undefined;
  /** Its web address, when read. */
  readonly url: string | undefined;
  readonly paths: readonly string[];
  readonly tag: string | undefined;
  /** The deployed commit as the tag has it (maybe abbreviated). */
  readonly sha: string | undefined;
  /** The deployed commit's date. */
  readonly date: string | undefined;
  /** The branch compared with, and the source repository's default branch. */
  readonly branch: string | undefined;
  readonly defaultBranch: string | undefined;
  /** Commits the deployed one is behind the branch's head (undefined: unknown; `depth`: at least). */
  readonly behind: number | undefined;
  readonly state: RowState;
  readonly hold: Hold | undefined;
  readonly freeze: Freeze | undefined;
  /** A newer build is to be written now: behind, not held, not frozen. */
  readonly repair: boolean;
  /**
   * For a source ordered by its tags (`build-number`, `semver`): the order and where the tag stands in
   * it (`build 42`, `v1.10.0`); commits behind mean nothing there.
   */
  readonly order?: { readonly order: "build-number" | "semver"; readonly value: string } | undefined;
}

const GLOB = /[*?[\]{}!]/;

/** The source branch an environment follows: the default branch if its rule lets it, else its first literal branch. */
export function trackedBranch(env: EnvironmentConfig, defaultBranch: string): string | undefined {
  if (branchAllowed(env, defaultBranch, defaultBranch)) return defaultBranch;
  return env.branches?.find((pattern) => !GLOB.test(pattern));
}

/**
 * Whether a check suite is a build of this source: a workflow run of its workflows (and events); of a
 * monorepo's `image`, one of that image's workflows too (a run of build-web.yml is no build of the api).
 */
export function isBuildOf(source: SourceConfig, suite: SuiteInfo, image?: SourceImage): boolean {
  if (suite.workflowPath === undefined) return false;
  if (source.workflows.length > 0 && !globMatcher(source.workflows)(suite.workflowPath)) return false;
  if (image && image.workflows.length > 0 && !globMatcher(image.workflows)(suite.workflowPath)) return false;
  if (source.triggers.includes("workflow_run") && suite.event !== undefined)
    return source.events.includes(suite.event);
  return true;
}

/**
 * The newest commit of the history whose build (of `image`, for a monorepo) succeeded, and whether a
 * newer build is still running.
 */
export function newestBuild(
  source: SourceConfig,
  history: HistoryInfo,
  image?: SourceImage,
): { index: number; pending: boolean } | undefined {
  let pending = false;
  for (const [index, commit] of history.commits.entries()) {
    const builds = commit.suites.filter((suite) => isBuildOf(source, suite, image));
    if (builds.some((suite) => suite.status === "COMPLETED" && suite.conclusion === "SUCCESS"))
      return { index, pending };
    if (builds.some((suite) => suite.status !== "COMPLETED")) pending = true;
  }
  return undefined;
}

/**
 * Every (environment, image, tag) the manifests deploy, against the newest successful build of the
 * branch the environment tracks: pure, so the dashboard, `/status` and the pass agree.
 */
export function observe(input: ObserveInput): Row[] {
  const { config } = input;
  const grouped = new Map<string, { entry: DeployedEntry; paths: string[] }>();
  for (const entry of input.entries) {
    const key = `${entry.environment}\n${entry.image}\n${entry.tag ?? ""}`;
    const group = grouped.get(key) ?? { entry, paths: [] };
    group.paths.push(entry.path);
    grouped.set(key, group);
  }
  const rows: Row[] = [];
  for (const { entry, paths } of grouped.values()) {
    const found = sourceForImage(config, entry.image);
    const env = config.environments[entry.environment];
    const hold = holdOf(input.state, entry.environment, entry.image);
    const freeze = freezeOf(input.state, entry.environment, input.now);
    const base = {
      environment: entry.environment,
      image: entry.image,
      ...(found && found.source.images.length > 1 ? { part: imagePart(entry.image) } : {}),
      paths: paths.sort(),
      tag: entry.tag,
      hold,
      freeze,
    };
    const untracked = (why: string, extra: Partial<Row> = {}): Row => ({
      ...base,
      repository: found ? `${found.owner}/${found.repo}` : undefined,
      url: undefined,
      sha: undefined,
      date: undefined,
      branch: undefined,
      defaultBranch: undefined,
      behind: undefined,
      state: { kind: "untracked", why },
      repair: false,
      ...extra,
    });
    if (!found || !env) {
      rows.push(untracked("no source in the config builds this image"));
      continue;
    }
    const repository = `${found.owner}/${found.repo}`;
    const sha = entry.tag === undefined ? undefined : shaFromTag(found.source.tag, entry.tag);
    const order = tagOrder(found.source, entry.tag);
    const named = sourceName({ host: found.source.host, owner: found.owner, name: found.repo });
    const skipped = notLookedFor(found.source, named);
    if (skipped !== undefined) {
      rows.push(untracked(skipped, { repository: named, sha, order }));
      continue;
    }
    const info = input.sources.get(repository);
    if (info === undefined) {
      rows.push(untracked("not read in this pass", { sha }));
      continue;
    }
    if (info === null) {
      rows.push(untracked(`the app cannot see ${repository}`, { sha }));
      continue;
    }
    const date = sha === undefined ? undefined : info.dates.get(sha);
    const url = info.url;
    const defaultBranch = info.defaultBranch;
    const branch = trackedBranch(env, info.defaultBranch);
    if (branch === undefined) {
      rows.push(
        untracked("the environment's branch rule names no branch to follow", {
          sha,
          date,
          url,
          defaultBranch,
        }),
      );
      continue;
    }
    const history = info.histories.get(branch);
    if (!history) {
      rows.push(
        untracked(
          history === null ? `${repository} has no branch ${code(branch)}` : "not read in this pass",
          {
            sha,
            date,
            branch,
            url,
            defaultBranch,
          },
        ),
      );
      continue;
    }
    if (sha === undefined) {
      rows.push(
        untracked(`the tag is not one ${code(found.source.tag)} makes, so its commit is unknown`, {
          branch,
          url,
          defaultBranch,
        }),
      );
      continue;
    }
    const at = history.commits.findIndex((commit) => commit.oid.startsWith(sha.toLowerCase()));
    const whole = history.commits.length < input.depth;
    const behind = at >= 0 ? at : whole ? undefined : input.depth;
    const newest = newestBuild(found.source, history, found.entry);
    const row = {
      ...base,
      repository,
      url,
      defaultBranch,
      sha,
      date: date ?? history.commits[at]?.date,
      branch,
      behind,
    };
    const newestCommit = newest === undefined ? undefined : history.commits[newest.index];
    let state: RowState;
    if (newest === undefined || newestCommit === undefined) state = { kind: "no-build" };
    else if (at >= 0 && at <= newest.index) state = { kind: "current" };
    else if (at < 0 && whole) state = { kind: "other-branch" };
    else state = { kind: "behind", newest: { sha: newestCommit.oid, date: newestCommit.date } };
    rows.push({ ...row, state, repair: state.kind === "behind" && !hold && !freeze });
  }
  return rows.sort(
    (a, b) =>
      a.image.localeCompare(b.image) ||
      envOrder(config, a.environment) - envOrder(config, b.environment) ||
      (a.tag ?? "").localeCompare(b.tag ?? ""),
  );
}

function envOrder(config: Config, environment: string): number {
  return Object.keys(config.environments).indexOf(environment);
}
