import { compareCommits, statusOf } from "../../adapters/github/compare-commits.js";
import { fileHistory } from "../../adapters/github/file-history.js";
import type { Octokit, RepoId } from "../../adapters/github/octokit.js";
import type { BuildCheck, CommandPorts } from "../../commands/resolve-command.js";
import { globMatcher } from "../../config/glob-matcher.js";
import type { SourceRepository } from "../../core/plan/build.js";
import { deployedImages } from "../../core/plan/deployed.js";
import { sameImageName } from "../../core/image-ref/normalize-image-name.js";
import type { CommentEvent } from "../../handlers/comment-from-payload.js";
import { isOwnRestPull, type AppIdentity } from "../app-identity.js";
import type { Deployments, Observer } from "../observer.js";
import type { Target } from "./checked.js";

/** How deep `/rollback` looks back through a file's history. */
const HISTORY_DEPTH = 30;

export interface PortsDeps {
  readonly observer: Observer;
  readonly identity: () => Promise<AppIdentity>;
}

/** The files of an environment that deploy an image, with their tags, and the branch they are on. */
type FilesOf = (
  environment: string,
  image: string,
) => Promise<{ branch: string; files: { path: string; tag: string | undefined }[] } | undefined>;

/** What resolving a command may ask of GitHub, for one comment and one manifests repository. */
export function commandPorts(
  deps: PortsDeps,
  octokit: Octokit,
  comment: CommentEvent,
  target: Target,
): CommandPorts {
  // The manifests are read once per command and target, whichever ports ask.
  let read: Promise<Deployments | undefined> | undefined;
  const deployments = (): Promise<Deployments | undefined> =>
    (read ??= deps.observer
      .deployments(octokit, target.repo)
      .then((result) => (result.kind === "read" ? result.deployments : undefined)));
  const filesOf: FilesOf = async (environment, image) => {
    const found = await deployments();
    if (!found) return undefined;
    const files = found.entries
      .filter((entry) => entry.environment === environment && sameImageName(entry.image, image))
      .map((entry) => ({ path: entry.path, tag: entry.tag }));
    return { branch: found.snapshot.branch, files };
  };
  return {
    imagesIn: async (environment) => [
      ...new Set(
        ((await deployments())?.entries ?? [])
          .filter((entry) => entry.environment === environment)
          .map((entry) => entry.image),
      ),
    ],
    repository: (owner, name) => repositoryNamed(octokit, owner, name),
    pullHead: async () => (comment.isPullRequest ? pullHead(octokit, comment, deps.identity) : undefined),
    commit: (repository, ref) => commitSha(octokit, repository, ref),
    onDefaultBranch: async (repository, sha) => {
      // Qualified: a bare `main` would be the tag `main` when there is one.
      const branch = `refs/heads/${repository.defaultBranch}`;
      const status = await compareCommits(octokit, repoOf(repository), sha, branch);
      return status === "ahead" || status === "identical";
    },
    buildSucceeded: (repository, sha, workflows) => buildSucceeded(octokit, repository, sha, workflows),
    deployedTag: async (environment, image) =>
      (await filesOf(environment, image))?.files.find((file) => file.tag !== undefined)?.tag,
    tagHistory: (environment, image) => tagHistory(octokit, target, filesOf, environment, image),
  };
}

async function repositoryNamed(
  octokit: Octokit,
  owner: string,
  name: string,
): Promise<SourceRepository | undefined> {
  try {
    const { data } = await octokit.rest.repos.get({ owner, repo: name });
    return {
      owner: data.owner.login,
      name: data.name,
      defaultBranch: data.default_branch,
      htmlUrl: data.html_url,
    };
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** The pull request the comment is on (asked only of a comment on a pull request). */
async function pullHead(octokit: Octokit, comment: CommentEvent, identity: () => Promise<AppIdentity>) {
  const { data } = await octokit.rest.pulls.get({
    owner: comment.repository.owner,
    repo: comment.repository.name,
    pull_number: comment.issueNumber,
  });
  return {
    sha: data.head.sha,
    branch: data.head.ref,
    repository: data.head.repo?.full_name ?? "",
    byApp: isOwnRestPull(data, comment.repository, await identity()),
  };
}

async function commitSha(
  octokit: Octokit,
  repository: SourceRepository,
  ref: string,
): Promise<string | undefined> {
  try {
    const { data } = await octokit.rest.repos.getCommit({
      owner: repository.owner,
      repo: repository.name,
      ref,
    });
    return data.sha;
  } catch (error) {
    if (statusOf(error) === 404 || statusOf(error) === 422) return undefined;
    throw error;
  }
}

async function buildSucceeded(
  octokit: Octokit,
  repository: SourceRepository,
  sha: string,
  workflows: readonly string[],
): Promise<BuildCheck> {
  const { data } = await octokit.rest.actions.listWorkflowRunsForRepo({
    owner: repository.owner,
    repo: repository.name,
    head_sha: sha,
    status: "success",
    per_page: 100,
  });
  const matches = workflows.length === 0 ? () => true : globMatcher(workflows);
  const runs = data.workflow_runs.filter((run) => matches(run.path));
  const own = `${repository.owner}/${repository.name}`.toLowerCase();
  if (runs.some((run) => run.head_repository.full_name.toLowerCase() === own)) return { kind: "succeeded" };
  const fork = runs[0]?.head_repository.full_name;
  return fork === undefined ? { kind: "none" } : { kind: "fork", repository: fork };
}

async function tagHistory(
  octokit: Octokit,
  target: Target,
  filesOf: FilesOf,
  environment: string,
  image: string,
): Promise<string[]> {
  const found = await filesOf(environment, image);
  const path = found?.files[0]?.path;
  if (!found || path === undefined) return [];
  const versions = await fileHistory(octokit, target.repo, found.branch, path, HISTORY_DEPTH);
  const tags: string[] = [];
  for (const version of versions) {
    const tag = deployedImages(path, version.text, [image]).get(image)?.tag;
    if (tag !== undefined && tags.at(-1) !== tag) tags.push(tag);
  }
  return tags;
}

function repoOf(repository: SourceRepository): RepoId {
  return { owner: repository.owner, name: repository.name };
}
