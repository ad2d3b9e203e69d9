import {
  branchAllowed,
  matchSource,
  renderImageName,
  renderTag,
  shaFromTag,
  sourceForImage,
  type Config,
  type SourceConfig,
} from "../config/index.js";
import type { SourceImage } from "../config/config.js";
import { imagePart } from "../core/image-ref/image-part.js";
import { fullName, onGitHub, sourceName, type Build, type SourceRepository } from "../core/plan/build.js";
import { tagFor } from "../config/render-tag.js";
import { valuesFromTag } from "../config/sha-from-tag.js";
import { requireTagTemplate } from "../config/tag-template.js";
import { resolveBuild } from "../core/plan/resolve-build.js";
import { pullRequestBranch } from "../core/render/pull-request-text.js";

/** The branches of the app's own pull requests (see `pullRequestBranch`). */
const PULL_PREFIX = "gitops-image-bot/";
import type { Explicit, Wanted } from "../core/plan/wanted.js";
import type { StateEdit } from "../state/state-file.js";
import type { CommandJob } from "./command-job.js";
import type { Command } from "./parse-commands.js";

/** What resolving a command needs from GitHub, behind an interface so the rules are tested without it. */
export interface CommandPorts {
  /**
   * The pull request the comment is on: its head commit, branch, and the repository that branch lives
   * in (`owner/name`; another one for a fork's pull request, "" when the fork was deleted). Undefined: not
   * a pull request. `byApp`: the app opened it from its own repository (its own pull request, not a
   * fork's or a person's with a branch of the same name).
   */
  pullHead(): Promise<{ sha: string; branch: string; repository: string; byApp: boolean } | undefined>;
  /** The full SHA of a commit in the source repository (undefined: GitHub does not know it). */
  commit(repository: SourceRepository, ref: string): Promise<string | undefined>;
  /** Whether the commit is on the source repository's default branch. */
  onDefaultBranch(repository: SourceRepository, sha: string): Promise<boolean>;
  /**
   * Whether a workflow run of the commit (one of `workflows`, globs; empty: any) succeeded on the
   * repository's own code; `fork`: only runs that built another repository's code (a fork's) did.
   */
  buildSucceeded(
    repository: SourceRepository,
    sha: string,
    workflows: readonly string[],
  ): Promise<BuildCheck>;
  /** The tag `image` runs in `environment` now (undefined: no file there deploys it). */
  deployedTag(environment: string, image: string): Promise<string | undefined>;
  /** The tags `image` had in `environment`, newest first (the current one first), from the files' history. */
  tagHistory(environment: string, image: string): Promise<readonly string[]>;
  /** The images the files of an environment deploy (for the app's own pull requests, named after one). */
  imagesIn(environment: string): Promise<readonly string[]>;
  /** A repository by name, with its default branch (undefined: it does not exist or the app cannot see it). */
  repository(owner: string, name: string): Promise<SourceRepository | undefined>;
}

export type BuildCheck =
  | { readonly kind: "succeeded" }
  | { readonly kind: "none" }
  | { readonly kind: "fork"; readonly repository: string };

/** Where the comment was written and by whom, against one manifests repository. */
export interface CommandContext {
  readonly config: Config;
  /** The repository the comment is in. */
  readonly repository: SourceRepository;
  /** True when that repository is the manifests repository itself (not a source). */
  readonly inManifests: boolean;
  readonly by: string;
  /** Unique per command (the comment id and the line). */
  readonly id: string;
  readonly now: number;
  /** A link to the comment, for the builds a command makes. */
  readonly url: string;
}

export type Resolved =
  | { readonly ok: true; readonly job: CommandJob; readonly note?: string }
  | { readonly ok: false; readonly problem: string; readonly fix: string };

const problem = (text: string, fix: string): Resolved => ({ ok: false, problem: text, fix });

/**
 * One changing command as a job for the deploy queue: the state edits and the builds it asks for. The
 * environment is known to exist and the person allowed to change it (the caller checked both).
 */
export async function resolveCommand(
  command: Command,
  context: CommandContext,
  ports: CommandPorts,
): Promise<Resolved> {
  const job = (edits: StateEdit[], wanted: Wanted[] = []): Resolved => ({
    ok: true,
    job: { id: context.id, by: context.by, edits, wanted },
  });
  const at = new Date(context.now).toISOString();
  switch (command.kind) {
    case "freeze":
      return job([
        {
          kind: "freeze",
          environment: command.environment,
          freeze: {
            by: context.by,
            at,
            ...(command.durationMs === undefined
              ? {}
              : { until: new Date(context.now + command.durationMs).toISOString() }),
            ...(command.reason === undefined ? {} : { reason: command.reason }),
          },
        },
      ]);
    case "unfreeze":
      return job([{ kind: "unfreeze", environment: command.environment }]);
    case "resume": {
      const images = await imagesOf(context, command.services, command.environment, ports);
      if (!images.ok) return images.resolved;
      return job(
        images.images === undefined
          ? [{ kind: "release", environment: command.environment }]
          : images.images.map((image) => ({ kind: "release", environment: command.environment, image })),
      );
    }
    case "retag":
      return retag(command, context, ports, job);
    case "rollback":
      return rollback(command, context, ports, job);
    case "promote":
      return promote(command, context, ports, job);
    case "status":
    case "reconcile":
    case "help":
      return problem(`\`/${command.kind}\` is not a change this resolver makes`, "see `/help`");
  }
}

type JobOf = (edits: StateEdit[], wanted?: Wanted[]) => Resolved;

/**
 * One image a command is about, with its source entry, repository and config entry of `images`;
 * `named`: the command named this image itself, rather than its repository (every image of a monorepo).
 */
interface Target {
  readonly source: SourceConfig;
  readonly repo: SourceRepository;
  readonly image: string;
  readonly entry: SourceImage;
  readonly named: boolean;
}

/** Every image of a source repository (one, or several for a monorepo), as targets not named one by one. */
function targetsOf(source: SourceConfig, repo: SourceRepository): Target[] {
  return source.images.map((entry) => ({
    source,
    repo,
    image: renderImageName(entry.image, repo.owner, repo.name),
    entry,
    named: false,
  }));
}

const NAME_FIX =
  "name the service as its repository is named, e.g. `checkout` for acme/checkout, or a monorepo's image by the last part of its name, e.g. `shop-api`";

/**
 * The images a command means: in a source repository its own images (a monorepo's may be named by the
 * last part of their names, `shop-api`); in the manifests repository those of the named services
 * (undefined: all of them). A service is a source repository with the manifests repository's owner (all
 * its images), else the image of that short name that `environment`'s files deploy.
 */
async function imagesOf(
  context: CommandContext,
  services: readonly string[],
  environment: string,
  ports: CommandPorts,
): Promise<
  { ok: true; images: string[] | undefined; targets: Target[] } | { ok: false; resolved: Resolved }
> {
  const fail = (text: string, fix: string) => ({ ok: false as const, resolved: problem(text, fix) });
  if (!context.inManifests) {
    const source = matchSource(context.config, fullName(context.repository));
    if (!source)
      return fail(
        `${fullName(context.repository)} does not deploy here`,
        "add it to `sources` in the manifests repository's config",
      );
    const own = targetsOf(source, context.repository);
    if (services.length === 0) return { ok: true, images: own.map((one) => one.image), targets: own };
    if (own.length <= 1)
      return fail(
        `in a source repository a command is about its own image, not ${services.join(", ")}`,
        "leave the service names out here, or run the command in the manifests repository",
      );
    const targets: Target[] = [];
    for (const service of services) {
      const found = own.find((one) => imagePart(one.image) === service.toLowerCase());
      if (!found)
        return fail(
          `${fullName(context.repository)} builds ${own.map((one) => imagePart(one.image)).join(", ")}, not ${service}`,
          "name one of its images by the last part of its name, or none for all of them",
        );
      targets.push({ ...found, named: true });
    }
    return { ok: true, images: targets.map((one) => one.image), targets };
  }
  if (services.length === 0) return { ok: true, images: undefined, targets: [] };
  const targets: Target[] = [];
  let deployed: readonly string[] | undefined;
  for (const service of services) {
    // A service is the source repository of that name with the manifests repository's owner.
    const name = `${context.repository.owner}/${service}`;
    const source = matchSource(context.config, name);
    const repo = source ? await ports.repository(context.repository.owner, service) : undefined;
    if (source && repo) {
      targets.push(...targetsOf(source, repo));
      continue;
    }
    // Else an image the environment deploys, by the last part of its name (a monorepo's `shop-api`).
    deployed ??= await ports.imagesIn(environment);
    const image = deployed.find((one) => imagePart(one) === service.toLowerCase());
    const found = image === undefined ? undefined : sourceForImage(context.config, image);
    // A source on another host is named from the config: GitHub is asked nothing about it.
    const built = !found
      ? undefined
      : found.source.host === undefined
        ? await ports.repository(found.owner, found.repo)
        : foreignRepository(found.source.host, found.owner, found.repo);
    if (found && built) {
      const target = targetsOf(found.source, built).find((one) => one.entry === found.entry);
      if (target) {
        targets.push({ ...target, named: true });
        continue;
      }
    }
    return fail(
      source ? `the app cannot see a repository ${name}` : `no source repository ${name} deploys here`,
      NAME_FIX,
    );
  }
  return { ok: true, images: targets.map((one) => one.image), targets };
}

/**
 * The images a command that writes tags is about: in the manifests repository the services must be
 * named (`usage` says how); in a source repository they are its own.
 */
async function namedSources(
  context: CommandContext,
  services: readonly string[],
  environment: string,
  usage: string,
  ports: CommandPorts,
): Promise<{ ok: true; sources: Target[] } | { ok: false; resolved: Resolved }> {
  const images = await imagesOf(context, services, environment, ports);
  if (!images.ok) return images;
  if (images.targets.length === 0)
    return { ok: false, resolved: problem("which service? In the manifests repository name it", usage) };
  return { ok: true, sources: images.targets };
}

function explicit(context: CommandContext, environment: string, force: boolean, anyBranch = false): Explicit {
  return { by: context.by, environments: [environment], force, anyBranch };
}

function commandBuild(
  context: CommandContext,
  repository: SourceRepository,
  sha: string | undefined,
  branch: string | undefined,
): Build {
  return {
    trigger: "command",
    id: context.id,
    repository,
    sha,
    branch,
    event: undefined,
    workflowPath: undefined,
    url: context.url,
    image: undefined,
    receivedAt: context.now,
  };
}

async function retag(
  command: Extract<Command, { kind: "retag" }>,
  context: CommandContext,
  ports: CommandPorts,
  job: JobOf,
): Promise<Resolved> {
  const own =
    context.inManifests && command.services.length === 0 ? await ownPull(command, context, ports) : undefined;
  if (own && !own.ok) return own.resolved;
  const named =
    own ??
    (await namedSources(
      context,
      command.services,
      command.environment,
      "`/retag <env> <sha> <service>...`",
      ports,
    ));
  if (!named.ok) return named.resolved;
  const pull = command.ref === undefined && !context.inManifests ? await ports.pullHead() : undefined;
  if (command.ref === undefined && (context.inManifests || !pull))
    return problem(
      "which build? Without a SHA `/retag` deploys a pull request's head",
      "`/retag <env> <sha>`",
    );
  if (pull && pull.repository.toLowerCase() !== fullName(context.repository).toLowerCase())
    return problem(
      `this pull request's code comes from ${pull.repository || "a deleted fork"}: another repository's code never deploys`,
      "merge the pull request first, then `/retag <env> <sha>` with the merged commit",
    );
  const wanted: Wanted[] = [];
  // One build per repository: a monorepo's images of one commit resolve together.
  const byRepo = new Map<string, Target[]>();
  for (const target of named.sources) {
    const key = fullName(target.repo).toLowerCase();
    byRepo.set(key, [...(byRepo.get(key) ?? []), target]);
  }
  for (const targets of byRepo.values()) {
    const [first] = targets;
    if (!first) continue;
    const { source, repo } = first;
    let sha: string | undefined;
    const tag = command.ref?.kind === "tag" ? command.ref.tag : undefined;
    if (tag !== undefined) {
      const values = valuesFromTag(source.tag, tag);
      if (values === undefined)
        return problem(
          `the tag ${tag} is not one this config makes (\`${source.tag}\`), so its commit is unknown`,
          "name the build by its commit SHA",
        );
      // The tag names no commit GitHub could check (`v{version}`, or a repository on another host):
      // the tag itself is the build, taken on the person's word past the branch rule (as /rollback's).
      if (values.sha === undefined || !onGitHub(repo)) {
        const asked = { ...explicit(context, command.environment, command.force), anyBranch: true };
        for (const { image } of targets)
          wanted.push(tagWanted(context, repo, source, image, tag, undefined, undefined, asked));
        continue;
      }
      sha = values.sha;
    } else sha = command.ref?.kind === "sha" ? command.ref.sha : pull?.sha;
    if (!onGitHub(repo))
      return problem(
        `${sourceName(repo)} is not on GitHub, so the app cannot look up its commit ${sha ?? ""}`,
        `name the build by its tag: \`/retag ${command.environment} <tag>\``,
      );
    const full = sha === undefined ? undefined : await ports.commit(repo, sha);
    if (full === undefined)
      return problem(`${fullName(repo)} has no commit ${sha ?? ""}`, "check the SHA (7 to 40 hex digits)");
    const built = await builtTargets(targets, full, ports);
    if (!built.ok) return built.resolved;
    const branch =
      pull && full === pull.sha
        ? pull.branch
        : (await ports.onDefaultBranch(repo, full))
          ? repo.defaultBranch
          : undefined;
    const values = tag === undefined ? undefined : valuesFromTag(source.tag, tag);
    const build = commandBuild(context, repo, full, branch);
    // A tag named keeps its build number, per image; a SHA alone makes the tags from the template.
    const builds =
      tag === undefined
        ? [build]
        : targets.map(({ image }) => ({
            ...build,
            image: { name: image, tag, digest: undefined },
            buildNumber: values?.build,
          }));
    for (const one of builds) {
      const resolution = resolveBuild(context.config, one);
      if (!resolution.ok && resolution.ignored.reason === "tag-not-renderable")
        return notRenderable(source, command.environment, "/retag");
      if (!resolution.ok)
        return problem(
          `${fullName(repo)} cannot deploy here (${resolution.ignored.reason})`,
          "check `sources`",
        );
      // Every image the build means that the command is about and that was built from the commit.
      for (const resolved of resolution.all)
        if (built.images.has(resolved.image))
          wanted.push({ ...resolved, explicit: explicit(context, command.environment, command.force) });
    }
  }
  return job([], wanted);
}

/**
 * The images of one repository's targets that were built from `full`. An image the command named must
 * have been (else the problem); of a monorepo's images not named one by one, those without a build of
 * the commit are left out (a commit that touched only the api has only the api's build), unless none has.
 */
async function builtTargets(
  targets: readonly Target[],
  full: string,
  ports: CommandPorts,
): Promise<{ ok: true; images: Set<string> } | { ok: false; resolved: Resolved }> {
  const images = new Set<string>();
  let first: Resolved | undefined;
  for (const target of targets) {
    const unbuilt = await buildProblem(target.source, target.repo, full, ports, target.entry);
    if (!unbuilt) images.add(target.image);
    else if (target.named || target.source.images.length <= 1) return { ok: false, resolved: unbuilt };
    else first ??= unbuilt;
  }
  if (images.size === 0 && first) return { ok: false, resolved: first };
  return { ok: true, images };
}

/**
 * Why a commit may not deploy by name (undefined: it may): no build of it succeeded, or only a build of
 * another repository's code (a fork's) did. A source deployed by packages has no runs to look at.
 */
async function buildProblem(
  source: SourceConfig,
  repo: SourceRepository,
  full: string,
  ports: CommandPorts,
  entry?: SourceImage,
): Promise<Resolved | undefined> {
  // A monorepo's image is built by its own workflows (build-api.yml), when it names them.
  const workflows = entry && entry.workflows.length > 0 ? entry.workflows : source.workflows;
  const built = source.triggers.includes("workflow_run")
    ? await ports.buildSucceeded(repo, full, workflows)
    : ({ kind: "succeeded" } as const);
  if (built.kind === "fork")
    return problem(
      `the only successful build of ${full.slice(0, 7)} in ${fullName(repo)} built ${built.repository}'s code (a fork): another repository's code never deploys`,
      `merge the change into ${fullName(repo)} and deploy the build of the merged commit`,
    );
  if (built.kind === "none")
    return problem(
      `no build of ${full.slice(0, 7)} in ${fullName(repo)} succeeded`,
      "wait for its build to pass (or re-run it), then try again",
    );
  return undefined;
}

/**
 * `/retag` in the app's own pull request (`gitops-image-bot/<env>/<image>`): its image is the one the
 * branch is named after, so the command changes the tag that pull request carries. Undefined: the
 * comment is not on one of the app's pull requests.
 */
async function ownPull(
  command: Extract<Command, { kind: "retag" }>,
  context: CommandContext,
  ports: CommandPorts,
): Promise<{ ok: true; sources: Target[] } | { ok: false; resolved: Resolved } | undefined> {
  const pull = await ports.pullHead();
  // A fork's branch of the same name is not the app's pull request, nor one a person opened by hand.
  if (!pull?.branch.startsWith(PULL_PREFIX)) return undefined;
  if (pull.repository.toLowerCase() !== fullName(context.repository).toLowerCase()) return undefined;
  if (!pull.byApp) return undefined;
  const environment = pull.branch.slice(PULL_PREFIX.length).split("/")[0];
  if (environment !== command.environment)
    return {
      ok: false,
      resolved: problem(
        `this pull request changes ${environment ?? "another environment"}, not ${command.environment}`,
        `\`/retag ${environment ?? "<env>"} <sha>\` here, or run the command on the pull request of ${command.environment}`,
      ),
    };
  const image = (await ports.imagesIn(command.environment)).find(
    (name) => pullRequestBranch(command.environment, name) === pull.branch,
  );
  const found = image === undefined ? undefined : sourceForImage(context.config, image);
  const repo = !found
    ? undefined
    : found.source.host === undefined
      ? await ports.repository(found.owner, found.repo)
      : foreignRepository(found.source.host, found.owner, found.repo);
  if (!found || !repo || image === undefined)
    return {
      ok: false,
      resolved: problem(
        `no image of ${command.environment} has this pull request's branch ${pull.branch}`,
        "name the service: `/retag <env> <sha> <service>`",
      ),
    };
  return { ok: true, sources: [{ source: found.source, repo, image, entry: found.entry, named: true }] };
}

/** A change to a tag the manifests already had (`/rollback`, `/promote`), not a tag made from a SHA. */
function tagWanted(
  context: CommandContext,
  repo: SourceRepository,
  source: SourceConfig,
  image: string,
  tag: string,
  sha: string | undefined,
  branch: string | undefined,
  asked: Explicit,
): Wanted {
  const build = commandBuild(context, repo, sha, branch);
  return {
    build: { ...build, image: { name: image, tag, digest: undefined } },
    image,
    tag,
    digest: undefined,
    tagTemplate: source.tag,
    // Ordered as the source's builds are (a /promote of build 41 over 42 is older by build number).
    order: source.order,
    explicit: asked,
  };
}

/** A SHA cannot make the tag: the template needs the CI's build number or a version. */
function notRenderable(source: SourceConfig, environment: string, verb: "/retag" | "/rollback"): Resolved {
  const needs = requireTagTemplate(source.tag).version ? "a version" : "the CI's build number";
  return problem(
    `the tag template \`${source.tag}\` needs ${needs}, which a commit SHA does not give`,
    verb === "/retag"
      ? `name the tag: \`/retag ${environment} <tag>\``
      : `name the tag, or how many builds back: \`/rollback ${environment} <tag>\` or \`/rollback ${environment} 1\``,
  );
}

async function rollback(
  command: Extract<Command, { kind: "rollback" }>,
  context: CommandContext,
  ports: CommandPorts,
  job: JobOf,
): Promise<Resolved> {
  const named = await namedSources(
    context,
    command.services,
    command.environment,
    "`/rollback <env> [<n>|<sha>] <service>...`",
    ports,
  );
  if (!named.ok) return named.resolved;
  const edits: StateEdit[] = [];
  const wanted: Wanted[] = [];
  for (const { source, repo, image, entry } of named.sources) {
    const back = await rollbackTarget(command, source, repo, image, ports);
    if (!back.ok) return back.resolved;
    const { tag, sha, ranBefore } = back;
    // A tag the environment ran before may go back on any branch; any other build passes /retag's
    // checks and the branch rule first.
    let branch: string | undefined;
    if (!back.ranBefore) {
      const unbuilt = await buildProblem(source, repo, back.sha, ports, entry);
      if (unbuilt) return unbuilt;
      branch = (await ports.onDefaultBranch(repo, back.sha)) ? repo.defaultBranch : undefined;
      // Refused here, not in the plan: the hold would otherwise pin a tag that was never written.
      const env = context.config.environments[command.environment];
      if (env && !(branch !== undefined && branchAllowed(env, branch, repo.defaultBranch)))
        return problem(
          `${tag} never ran in ${command.environment}, and ${back.sha.slice(0, 7)} is not on a branch that may deploy there`,
          `go back to a build ${command.environment} ran before (\`/rollback ${command.environment} <n>\`), or \`/retag\` a build of an allowed branch`,
        );
    }
    wanted.push(
      tagWanted(
        context,
        repo,
        source,
        image,
        tag,
        sha,
        branch,
        explicit(context, command.environment, true, ranBefore),
      ),
    );
    edits.push({
      kind: "hold",
      environment: command.environment,
      image,
      hold: { by: context.by, at: new Date(context.now).toISOString(), tag, reason: "rollback" },
    });
  }
  return job(edits, wanted);
}

/**
 * The tag `/rollback` goes back to, its commit, and whether the environment ran that tag before (in
 * its files' history): a count of builds back always names such a tag; a SHA is resolved to the full
 * commit first (an unknown one is refused) and its tag looked up in that history.
 */
async function rollbackTarget(
  command: Extract<Command, { kind: "rollback" }>,
  source: SourceConfig,
  repo: SourceRepository,
  image: string,
  ports: CommandPorts,
): Promise<
  | { ok: true; tag: string; sha: string | undefined; ranBefore: true }
  | { ok: true; tag: string; sha: string; ranBefore: false }
  | { ok: false; resolved: Resolved }
> {
  const history = () => ports.tagHistory(command.environment, image);
  if (command.ref === undefined || command.ref.kind === "steps") {
    const tags = await history();
    const steps = command.ref?.steps ?? 1;
    const previous = tags[steps];
    if (previous === undefined)
      return {
        ok: false,
        resolved: problem(
          `${image} had ${Math.max(0, tags.length - 1)} earlier tag(s) in ${command.environment}, not ${steps}`,
          "name the build to go back to: `/rollback <env> <sha>`",
        ),
      };
    return { ok: true, tag: previous, sha: shaFromTag(source.tag, previous), ranBefore: true };
  }
  if (command.ref.kind === "tag") {
    const { tag } = command.ref;
    if ((await history()).includes(tag))
      return { ok: true, tag, sha: shaFromTag(source.tag, tag), ranBefore: true };
    const short = onGitHub(repo) ? shaFromTag(source.tag, tag) : undefined;
    if (short === undefined)
      return {
        ok: false,
        resolved: problem(
          `${tag} never ran in ${command.environment}, and it is not a tag this config makes (\`${source.tag}\`)`,
          "name the build to go back to by its commit SHA, or by how many builds back (`/rollback <env> 2`)",
        ),
      };
    const full = await ports.commit(repo, short);
    return full === undefined ? unknownCommit(repo, short) : { ok: true, tag, sha: full, ranBefore: false };
  }
  if (!onGitHub(repo) || tagFor(source.tag, { sha: "0".repeat(40) }) === undefined)
    return { ok: false, resolved: notRenderable(source, command.environment, "/rollback") };
  const full = await ports.commit(repo, command.ref.sha);
  if (full === undefined) return unknownCommit(repo, command.ref.sha);
  const tag = renderTag(source.tag, full);
  return { ok: true, tag, sha: full, ranBefore: (await history()).includes(tag) };
}

function unknownCommit(repo: SourceRepository, sha: string): { ok: false; resolved: Resolved } {
  return {
    ok: false,
    resolved: problem(`${fullName(repo)} has no commit ${sha}`, "check the SHA (7 to 40 hex digits)"),
  };
}

async function promote(
  command: Extract<Command, { kind: "promote" }>,
  context: CommandContext,
  ports: CommandPorts,
  job: JobOf,
): Promise<Resolved> {
  const named = await namedSources(
    context,
    command.services,
    command.from,
    "`/promote <from-env> <to-env> <service>...`",
    ports,
  );
  if (!named.ok) return named.resolved;
  const wanted: Wanted[] = [];
  let undeployed: Resolved | undefined;
  for (const { source, repo, image, named: byName } of named.sources) {
    const tag = await ports.deployedTag(command.from, image);
    if (tag === undefined) {
      undeployed = problem(
        `no file in ${command.from} deploys ${image}`,
        "check the environment and the service",
      );
      // Of a monorepo's images not named one by one, those the source environment lacks are left out.
      if (byName || source.images.length <= 1) return undeployed;
      continue;
    }
    const sha = onGitHub(repo) ? shaFromTag(source.tag, tag) : undefined;
    // The tag's commit decides the target environment's branch rule (e.g. prod only from main). A tag
    // that names no commit GitHub has (`v{version}`, another host) ran in the first environment: it
    // goes on the person's word, as /rollback's does; the ordering guard still applies.
    const branch =
      sha !== undefined && (await ports.onDefaultBranch(repo, sha)) ? repo.defaultBranch : undefined;
    const asked = explicit(context, command.to, false, sha === undefined);
    wanted.push(tagWanted(context, repo, source, image, tag, sha, branch, asked));
  }
  if (wanted.length === 0 && undeployed) return undeployed;
  return job([], wanted);
}

/** A repository on another host, named from the config: GitHub is asked nothing about it. */
function foreignRepository(host: string, owner: string, name: string): SourceRepository {
  return { host, owner, name, defaultBranch: "main", htmlUrl: `https://${host}/${owner}/${name}` };
}
