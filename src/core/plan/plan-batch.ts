import {
  branchAllowed,
  environmentsForPath,
  shaFromTag,
  type Config,
  type Mode,
} from "../../config/index.js";
import { fullName } from "./build.js";
import { deployedImages, type Deployed } from "./deployed.js";
import type { FileUpdate, Outcome } from "./outcome.js";
import { comparisonsNeeded, pickNewest, type CompareLookup, type KnownLookup } from "./pick-newest.js";
import { planFile } from "./plan-file.js";
import { freezeOf, holdOf, type State } from "../../state/state-file.js";
import type { PlanSkip } from "./skip.js";
import { judgeBuild, judgeByTags, type Verdict } from "./verdict.js";
import type { Wanted } from "./wanted.js";

export interface BatchFile {
  readonly path: string;
  readonly text: string;
  /** The wanted images this file refers to (found by the manifest index). */
  readonly images: readonly string[];
}

export interface FileWrite {
  readonly path: string;
  readonly text: string;
}

export interface BatchInput {
  readonly config: Config;
  readonly wanted: readonly Wanted[];
  /** Every file that refers to at least one wanted image, with its text at the head being planned on. */
  readonly files: readonly BatchFile[];
  /** Holds and freezes (the state file at the same head) and now (ms), to tell whether a freeze ended. */
  readonly stops?: { readonly state: State; readonly now: number };
}

/** Files to write in one change: one commit, or one pull request. */
export interface ChangeSet {
  readonly writes: readonly FileWrite[];
  readonly updates: readonly FileUpdate[];
}

export interface PullRequestChange extends ChangeSet {
  readonly environment: string;
  readonly image: string;
  readonly mode: Exclude<Mode, "commit">;
  /** The build the pull request carries. */
  readonly wanted: Wanted;
}

export interface BatchPlan {
  readonly commit: ChangeSet;
  readonly pullRequests: readonly PullRequestChange[];
  /** Pull-request environments whose base already runs the build (or a newer one): an open PR there is obsolete. */
  readonly settled: readonly { readonly environment: string; readonly image: string; readonly tag: string }[];
  readonly outcomes: readonly Outcome[];
}

/** Which environment a file belongs to: the first whose paths match, in config order. */
function environmentOf(config: Config, path: string): string | undefined {
  return environmentsForPath(config, path)[0];
}

interface Target {
  readonly environment: string;
  readonly image: string;
  readonly files: readonly BatchFile[];
  readonly candidates: readonly Wanted[];
}

interface Group {
  readonly environment: string;
  readonly image: string;
  readonly files: BatchFile[];
  readonly candidates: Wanted[];
  /** The builds already sorted into this group (candidates or skipped), and the files it holds. */
  readonly seen: Set<Wanted>;
  readonly fileSet: Set<BatchFile>;
}

/**
 * Groups work per (environment, image): the unit the ordering guard, branches and pull requests use.
 * Linear in files times their images plus builds: each file meets only the builds of its own images.
 */
function targetsOf(input: BatchInput): { targets: Target[]; outcomes: Outcome[] } {
  const outcomes: Outcome[] = [];
  const byImage = new Map<string, Wanted[]>();
  for (const wanted of input.wanted) {
    const list = byImage.get(wanted.image);
    if (list) list.push(wanted);
    else byImage.set(wanted.image, [wanted]);
  }
  const groups = new Map<string, Group>();
  /** Builds skipped in an environment already (a build is skipped once per environment, not per file). */
  const skipped = new Map<string, Set<Wanted>>();
  for (const file of input.files) {
    const environment = environmentOf(input.config, file.path);
    if (environment === undefined) continue;
    const env = input.config.environments[environment];
    if (env === undefined) continue;
    for (const image of new Set(file.images)) {
      for (const wanted of byImage.get(image) ?? []) {
        if (wanted.explicit && !wanted.explicit.environments.includes(environment)) continue;
        if (wanted.only && !wanted.only.includes(environment)) continue;
        const key = `${environment}\u0000${wanted.image}`;
        let group = groups.get(key);
        if (!group) {
          group = {
            environment,
            image: wanted.image,
            files: [],
            candidates: [],
            seen: new Set(),
            fileSet: new Set(),
          };
          groups.set(key, group);
        }
        if (!group.fileSet.has(file)) {
          group.fileSet.add(file);
          group.files.push(file);
        }
        if (group.seen.has(wanted)) continue;
        group.seen.add(wanted);
        const branch = wanted.build.branch;
        const skip: PlanSkip | undefined =
          !wanted.explicit?.anyBranch &&
          (branch === undefined || !branchAllowed(env, branch, wanted.build.repository.defaultBranch))
            ? { reason: "branch-not-allowed", branch }
            : stoppedByPerson(input, environment, wanted);
        if (skip === undefined) {
          group.candidates.push(wanted);
          continue;
        }
        const inEnvironment = skipped.get(environment) ?? new Set<Wanted>();
        skipped.set(environment, inEnvironment);
        if (inEnvironment.has(wanted)) continue;
        inEnvironment.add(wanted);
        outcomes.push({ kind: "skipped", wanted, environment, path: undefined, skip });
      }
    }
  }
  const targets = [...groups.values()].map(({ environment, image, files, candidates }) => ({
    environment,
    image,
    files,
    candidates,
  }));
  return { targets, outcomes };
}

/** A freeze on the environment, or a hold on the image there, stops automatic changes (not a person's). */
function stoppedByPerson(input: BatchInput, environment: string, wanted: Wanted): PlanSkip | undefined {
  if (wanted.explicit || !input.stops) return undefined;
  const { state, now } = input.stops;
  const hold = holdOf(state, environment, wanted.image);
  if (hold) return { reason: "held", tag: hold.tag, by: hold.by, why: hold.reason };
  const freeze = freezeOf(state, environment, now);
  if (freeze) return { reason: "frozen", by: freeze.by, until: freeze.until, why: freeze.reason };
  return undefined;
}

/** What each file deploys now, per image, read once per batch. */
const fileImages = new WeakMap<BatchFile, Map<string, Deployed>>();

function deployedOf(file: BatchFile, images: readonly string[]): Map<string, Deployed> {
  let known = fileImages.get(file);
  if (!known) {
    known = new Map();
    fileImages.set(file, known);
  }
  const missing = images.filter((image) => !known.has(image));
  if (missing.length > 0)
    for (const [image, value] of deployedImages(file.path, file.text, missing)) known.set(image, value);
  return new Map(
    images.flatMap((image) => {
      const value = known.get(image);
      return value === undefined ? [] : [[image, value] as const];
    }),
  );
}

/**
 * The commits `planBatch` will ask `compare` about that `known` cannot answer yet, to fetch from GitHub
 * first: per (environment, image) the questions of the scan for the newest build (one per candidate at
 * most), and the newest against what each file deploys. Linear in builds and files. Ask again after the
 * answers arrived: the newest may change with them; an empty list means the plan has all it needs.
 */
export function comparisonsForBatch(
  input: BatchInput,
  known: KnownLookup = () => undefined,
): { repo: string; base: string; head: string }[] {
  const { targets } = targetsOf(input);
  const pairs: { repo: string; base: string; head: string }[] = [];
  for (const target of targets) {
    if (target.candidates.length === 0) continue;
    for (const pair of comparisonsNeeded(target.candidates, known)) pairs.push(pair);
    const { newest } = pickNewest(
      target.candidates,
      (repo, base, head) => known(repo, base, head) ?? "unknown",
    );
    // A source ordered by its tags, or on another host, needs nothing from GitHub to judge the newest build.
    if (
      newest.explicit?.force ||
      newest.build.sha === undefined ||
      newest.build.repository.host !== undefined ||
      (newest.order ?? "ancestry") !== "ancestry"
    )
      continue;
    const repo = fullName(newest.build.repository).toLowerCase();
    for (const file of target.files) {
      const deployed = deployedOf(file, [target.image]).get(target.image);
      const deployedSha =
        deployed?.tag === undefined ? undefined : shaFromTag(newest.tagTemplate, deployed.tag);
      if (deployedSha === undefined || known(repo, deployedSha, newest.build.sha) !== undefined) continue;
      pairs.push({ repo, base: deployedSha, head: newest.build.sha });
    }
  }
  return [...new Map(pairs.map((pair) => [`${pair.repo} ${pair.base} ${pair.head}`, pair])).values()];
}

/**
 * The whole decision of a batch, pure: per (environment, image) the newest allowed build, the ordering
 * guard against what each file deploys, and the new texts, split into the direct commit and the pull
 * requests. Every build that does not land says why, as data.
 */
export function planBatch(input: BatchInput, compare: CompareLookup): BatchPlan {
  const { targets, outcomes } = targetsOf(input);
  const commitAccepted = new Map<
    BatchFile,
    { wanted: Wanted; environment: string; deployed: Deployed | undefined }[]
  >();
  const pullRequests: PullRequestChange[] = [];
  const settled: { environment: string; image: string; tag: string }[] = [];
  for (const target of targets) {
    if (target.candidates.length === 0) continue;
    const { newest, superseded } = pickNewest(target.candidates, compare);
    for (const { wanted, by } of superseded)
      outcomes.push({
        kind: "skipped",
        wanted,
        environment: target.environment,
        path: undefined,
        skip: { reason: "superseded", by: by.build.sha ?? by.tag },
      });
    const mode = input.config.environments[target.environment]?.mode ?? "commit";
    const prFiles: { file: BatchFile; deployed: Deployed | undefined }[] = [];
    for (const file of target.files) {
      const deployed = deployedOf(file, [target.image]).get(target.image);
      const deployedSha =
        deployed?.tag === undefined ? undefined : shaFromTag(newest.tagTemplate, deployed.tag);
      const sameBuild = deployed?.tag === newest.tag && deployed.digest === newest.digest;
      const order = newest.order ?? "ancestry";
      const verdict: Verdict = sameBuild
        ? { accept: false, skip: { reason: "already-deployed" } }
        : newest.explicit?.force
          ? { accept: true }
          : order !== "ancestry"
            ? judgeByTags(order, newest.tagTemplate, deployed?.tag, newest.tag)
            : judgeBuild(
                deployedSha,
                deployedSha === undefined || newest.build.sha === undefined
                  ? undefined
                  : compare(fullName(newest.build.repository).toLowerCase(), deployedSha, newest.build.sha),
              );
      if (!verdict.accept) {
        outcomes.push({
          kind: "skipped",
          wanted: newest,
          environment: target.environment,
          path: file.path,
          skip: verdict.skip,
        });
        continue;
      }
      if (mode === "commit") {
        const list = commitAccepted.get(file) ?? [];
        list.push({ wanted: newest, environment: target.environment, deployed });
        commitAccepted.set(file, list);
      } else prFiles.push({ file, deployed });
    }
    if (mode !== "commit" && prFiles.length === 0)
      settled.push({ environment: target.environment, image: target.image, tag: newest.tag });
    if (mode !== "commit" && prFiles.length > 0) {
      const change = writeFiles(
        prFiles.map(({ file, deployed }) => ({
          file,
          accepted: [{ wanted: newest, environment: target.environment, deployed }],
        })),
        outcomes,
      );
      if (change.writes.length > 0)
        pullRequests.push({
          ...change,
          environment: target.environment,
          image: target.image,
          mode,
          wanted: newest,
        });
    }
  }
  const commit = writeFiles(
    [...commitAccepted].map(([file, accepted]) => ({ file, accepted })),
    outcomes,
  );
  return {
    commit,
    pullRequests,
    settled,
    outcomes: [...outcomes, ...writtenOutcomes(commit), ...pullRequests.flatMap(writtenOutcomes)],
  };
}

function writeFiles(
  files: readonly {
    file: BatchFile;
    accepted: readonly { wanted: Wanted; environment: string; deployed: Deployed | undefined }[];
  }[],
  outcomes: Outcome[],
): ChangeSet {
  const writes: FileWrite[] = [];
  const updates: FileUpdate[] = [];
  for (const { file, accepted } of files) {
    const plan = planFile(
      file.path,
      file.text,
      accepted.map((entry) => entry.wanted),
    );
    if (!plan.ok) {
      for (const entry of accepted)
        outcomes.push({
          kind: "skipped",
          wanted: entry.wanted,
          environment: entry.environment,
          path: file.path,
          skip: plan.skip,
        });
      continue;
    }
    for (const refused of plan.refused) {
      const entry = accepted.find((candidate) => candidate.wanted === refused.wanted);
      if (!entry) continue;
      outcomes.push({
        kind: "skipped",
        wanted: entry.wanted,
        environment: entry.environment,
        path: file.path,
        skip: refused.skip,
      });
    }
    if (!plan.changed) continue;
    writes.push({ path: file.path, text: plan.text });
    for (const entry of accepted) {
      const change = plan.changes.find((candidate) => candidate.image === entry.wanted.image);
      if (!change) continue;
      const fromTag = entry.deployed?.tag;
      updates.push({
        wanted: entry.wanted,
        environment: entry.environment,
        path: file.path,
        fromTag,
        fromSha: fromTag === undefined ? undefined : shaFromTag(entry.wanted.tagTemplate, fromTag),
        line: change.line,
      });
    }
  }
  return { writes, updates };
}

function writtenOutcomes(change: ChangeSet): Outcome[] {
  const byTarget = new Map<string, FileUpdate[]>();
  for (const update of change.updates) {
    const key = `${update.environment}\u0000${update.wanted.build.id}\u0000${update.wanted.image}`;
    const list = byTarget.get(key);
    if (list) list.push(update);
    else byTarget.set(key, [update]);
  }
  return [...byTarget.values()].flatMap(([first, ...rest]) =>
    first === undefined
      ? []
      : [
          {
            kind: "written" as const,
            wanted: first.wanted,
            environment: first.environment,
            updates: [first, ...rest],
          },
        ],
  );
}
