import { ZERO_SHA, type TreeChange } from "../git/git-repo.js";
import { branchMoved } from "../events.js";
import { closePull, createPull, mergePull, MergeRefused, type MergeMethod } from "../pulls.js";
import { headSha } from "../pull-state.js";
import { mergeableState } from "../rest/pull-json.js";
import type { IssueRecord, RepoRecord } from "../state.js";
import { typedError, notFound } from "./errors.js";
import { pullRequestInputRefusal } from "../limits.js";
import {
  checkSuiteNode,
  commitNode,
  pullRequestNode,
  refNode,
  repositoryNode,
  workflowNode,
  workflowRunNode,
  type GraphqlContext,
} from "./nodes.js";

type Input = Record<string, unknown>;

function visibleRepo(ctx: GraphqlContext, nameWithOwner: string): RepoRecord {
  const [owner = "", name = ""] = nameWithOwner.split("/");
  const repo = ctx.twin.store.findRepo(owner, name);
  if (!repo || !ctx.twin.canSee(ctx.caller, repo))
    throw notFound(`a Repository with the name '${nameWithOwner}'`);
  return repo;
}

function repoById(ctx: GraphqlContext, id: unknown): RepoRecord {
  const repo = [...ctx.twin.store.repos.values()].find((r) => r.nodeId === id);
  if (!repo || !ctx.twin.canSee(ctx.caller, repo))
    throw notFound(`a node with the global id of '${String(id)}'`);
  return repo;
}

/** The repository and issue of a pull request node id. */
export function pullById(ctx: GraphqlContext, id: unknown): { repo: RepoRecord; issue: IssueRecord } {
  for (const repo of ctx.twin.store.repos.values()) {
    if (!ctx.twin.canSee(ctx.caller, repo)) continue;
    for (const issue of repo.issues.values()) {
      if (issue.pull?.nodeId === id) return { repo, issue };
    }
  }
  throw notFound(`a node with the global id of '${String(id)}'`);
}

function refById(ctx: GraphqlContext, id: string): { repo: RepoRecord; ref: string } {
  const decoded = Buffer.from(id.replace(/^REF_/, ""), "base64url").toString("utf8");
  const colon = decoded.indexOf(":");
  const repo = ctx.twin.store.repoIds.get(Number(decoded.slice(0, colon)));
  if (!repo || !ctx.twin.canSee(ctx.caller, repo)) throw notFound(`a node with the global id of '${id}'`);
  return { repo, ref: decoded.slice(colon + 1) };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A repository path as GitHub accepts it: relative, no empty, `.` or `..` segment, no `.git`, no control characters. */
export function validPath(path: string): boolean {
  const control = [...path].some((char) => char.charCodeAt(0) < 32);
  if (path === "" || path.startsWith("/") || path.endsWith("/") || control) return false;
  return path
    .split("/")
    .every(
      (segment) => segment !== "" && segment !== "." && segment !== ".." && segment.toLowerCase() !== ".git",
    );
}

/**
 * GitHub's FileChanges rules: contents are standard, padded base64; each path appears once across
 * additions and deletions; paths are valid. A violation is a validation error and nothing is written.
 */
function checkFileChanges(value: unknown): void {
  const changes = (value ?? {}) as {
    additions?: Array<{ path: string; contents: string }>;
    deletions?: Array<{ path: string }>;
  };
  const seen = new Set<string>();
  for (const change of [...(changes.additions ?? []), ...(changes.deletions ?? [])]) {
    if (!validPath(change.path))
      throw typedError("UNPROCESSABLE", `Invalid path: ${JSON.stringify(change.path)}`);
    if (seen.has(change.path))
      throw typedError("UNPROCESSABLE", `A path may only be changed once per commit: ${change.path}`);
    seen.add(change.path);
  }
  for (const addition of changes.additions ?? []) {
    if (!BASE64.test(addition.contents)) {
      throw typedError(
        "UNPROCESSABLE",
        `The contents of ${addition.path} are not valid Base64 (standard alphabet, padded)`,
      );
    }
  }
}

/** GitHub's size limits on a pull request's title and body (see `limits.ts`). */
function refuseTooLong(input: Input): void {
  const message = pullRequestInputRefusal(input);
  if (message !== undefined) throw typedError("UNPROCESSABLE", message);
}

function refused(error: unknown): never {
  if (error instanceof MergeRefused) throw typedError("UNPROCESSABLE", error.message);
  throw error;
}

export const mutations = {
  /** One commit on an existing branch, guarded by `expectedHeadOid` (STALE_DATA when the branch moved). */
  createCommitOnBranch: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const branch = input["branch"] as { id?: string; repositoryNameWithOwner?: string; branchName?: string };
    let repo: RepoRecord;
    let ref: string;
    if (branch.id) {
      ({ repo, ref } = refById(ctx, branch.id));
    } else {
      if (!branch.repositoryNameWithOwner || !branch.branchName) {
        throw typedError(
          "UNPROCESSABLE",
          "Either branch id or repository name with owner and branch name must be provided",
        );
      }
      repo = visibleRepo(ctx, branch.repositoryNameWithOwner);
      ref = branch.branchName.startsWith("refs/") ? branch.branchName : `refs/heads/${branch.branchName}`;
    }
    const expected = String(input["expectedHeadOid"]);
    const current = await repo.git.getRef(ref);
    if (!current) throw notFound(`a Ref with the name '${ref}'`);
    if (current !== expected) {
      throw typedError(
        "STALE_DATA",
        `Expected branch to point to "${expected}" but it did not.  Pull and try again.`,
      );
    }
    const parent = (await repo.git.readCommit(current))!;
    checkFileChanges(input["fileChanges"]);
    const changes = (input["fileChanges"] ?? {}) as {
      additions?: Array<{ path: string; contents: string }>;
      deletions?: Array<{ path: string }>;
    };
    const treeChanges: TreeChange[] = [];
    for (const deletion of changes.deletions ?? []) {
      const entry = await repo.git.entryAt(current, deletion.path);
      if (entry?.type === "tree") {
        throw typedError(
          "UNPROCESSABLE",
          `A path was requested for deletion which is a directory: ${deletion.path}`,
        );
      }
      if (!entry) {
        throw typedError(
          "UNPROCESSABLE",
          `A path was requested for deletion which does not exist as of commit oid \`${current}\``,
        );
      }
      treeChanges.push({ path: deletion.path, mode: "100644", sha: null });
    }
    for (const addition of changes.additions ?? []) {
      const existing = await repo.git.entryAt(current, addition.path);
      if (existing?.type === "tree") {
        throw typedError(
          "UNPROCESSABLE",
          `A file cannot be added where a directory exists: ${addition.path}`,
        );
      }
      const blob = await repo.git.writeBlob(Buffer.from(addition.contents, "base64"));
      treeChanges.push({
        path: addition.path,
        mode: existing?.type === "blob" ? existing.mode : "100644",
        sha: blob,
      });
    }
    const tree = await repo.git.writeTree(parent.tree, treeChanges);
    const message = input["message"] as { headline: string; body?: string | null };
    const text = message.body ? `${message.headline}\n\n${message.body}` : message.headline;
    const date = ctx.twin.store.now().toISOString();
    const sha = await repo.git.writeCommit({
      tree,
      parents: [current],
      message: text.endsWith("\n") ? text : `${text}\n`,
      author: { name: ctx.actor.login, email: ctx.actor.email, date },
      committer: { name: "GitHub", email: "noreply@github.com", date },
    });
    if (!(await repo.git.casRef(ref, sha, current))) {
      throw typedError(
        "STALE_DATA",
        `Expected branch to point to "${expected}" but it did not.  Pull and try again.`,
      );
    }
    await branchMoved(ctx.twin, repo, ref, current, sha, ctx.actor);
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      commit: commitNode(ctx, repo, (await repo.git.readCommit(sha))!),
      ref: () => refNode(ctx, repo, ref),
    };
  },

  createRef: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const repo = repoById(ctx, input["repositoryId"]);
    const name = String(input["name"]);
    const oid = String(input["oid"]);
    if (!/^refs\/[^/]+\/.+/.test(name))
      throw typedError(
        "UNPROCESSABLE",
        `Reference name must start with 'refs/' and have at least two slashes.`,
      );
    if (!(await repo.git.hasObject(oid, "commit")))
      throw typedError("UNPROCESSABLE", "Object does not exist");
    if (!(await repo.git.casRef(name, oid, ZERO_SHA)))
      throw typedError("UNPROCESSABLE", `A ref named "${name}" already exists in the repository.`);
    await branchMoved(ctx.twin, repo, name, ZERO_SHA, oid, ctx.actor);
    return { clientMutationId: input["clientMutationId"] ?? null, ref: await refNode(ctx, repo, name) };
  },

  createPullRequest: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const repo = repoById(ctx, input["repositoryId"]);
    refuseTooLong(input);
    const issue = await createPull(ctx.twin, repo, {
      title: String(input["title"]),
      body: typeof input["body"] === "string" ? input["body"] : null,
      head: String(input["headRefName"]),
      base: String(input["baseRefName"]),
      draft: input["draft"] === true,
      user: ctx.actor,
    }).catch(refused);
    if (typeof input["maintainerCanModify"] === "boolean")
      issue.pull!.maintainerCanModify = input["maintainerCanModify"];
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },

  updatePullRequest: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const { repo, issue } = pullById(ctx, input["pullRequestId"]);
    refuseTooLong(input);
    if (typeof input["title"] === "string") issue.title = input["title"];
    if (typeof input["body"] === "string") issue.body = input["body"];
    if (typeof input["baseRefName"] === "string") issue.pull!.baseRef = input["baseRefName"];
    issue.updatedAt = ctx.twin.store.timestamp();
    if (input["state"] === "CLOSED") await closePull(ctx.twin, repo, issue, ctx.actor);
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      actor: null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },

  closePullRequest: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const { repo, issue } = pullById(ctx, input["pullRequestId"]);
    await closePull(ctx.twin, repo, issue, ctx.actor);
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },

  mergePullRequest: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const { repo, issue } = pullById(ctx, input["pullRequestId"]);
    const expected = input["expectedHeadOid"];
    await mergePull(
      ctx.twin,
      repo,
      { issue, pull: issue.pull! },
      {
        sha: typeof expected === "string" ? expected : undefined,
        method: String(input["mergeMethod"] ?? "MERGE").toLowerCase() as MergeMethod,
        title: typeof input["commitHeadline"] === "string" ? input["commitHeadline"] : undefined,
        message: typeof input["commitBody"] === "string" ? input["commitBody"] : undefined,
        user: ctx.actor,
      },
    ).catch(refused);
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      actor: null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },

  /** Auto-merge: refused when the repository does not allow it, or when the PR could merge right now. */
  enablePullRequestAutoMerge: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const { repo, issue } = pullById(ctx, input["pullRequestId"]);
    const pull = issue.pull!;
    if (!repo.allowAutoMerge)
      throw typedError("UNPROCESSABLE", "Auto merge is not allowed for this repository");
    if (issue.state !== "open") throw typedError("UNPROCESSABLE", "Pull request Pull request is closed");
    const expected = input["expectedHeadOid"];
    if (typeof expected === "string" && expected !== (await headSha(repo, pull))) {
      throw typedError(
        "UNPROCESSABLE",
        "Pull request Head branch was modified. Review and try the merge again.",
      );
    }
    const state = await mergeableState(repo, { issue, pull });
    if (state.state === "clean" || state.state === "dirty" || state.state === "draft") {
      throw typedError("UNPROCESSABLE", `Pull request Pull request is in ${state.state} status`);
    }
    pull.autoMerge = {
      enabledBy: ctx.actor,
      mergeMethod: String(input["mergeMethod"] ?? "MERGE") as "MERGE" | "SQUASH" | "REBASE",
      enabledAt: ctx.twin.store.timestamp(),
      commitTitle: typeof input["commitHeadline"] === "string" ? input["commitHeadline"] : null,
      commitBody: typeof input["commitBody"] === "string" ? input["commitBody"] : null,
    };
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      actor: null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },

  disablePullRequestAutoMerge: async ({ input }: { input: Input }, ctx: GraphqlContext) => {
    const { repo, issue } = pullById(ctx, input["pullRequestId"]);
    issue.pull!.autoMerge = null;
    return {
      clientMutationId: input["clientMutationId"] ?? null,
      actor: null,
      pullRequest: pullRequestNode(ctx, repo, issue),
    };
  },
};

export const queries = {
  repository: ({ owner, name }: { owner: string; name: string }, ctx: GraphqlContext) =>
    repositoryNode(ctx, visibleRepo(ctx, `${owner}/${name}`)),
  node: ({ id }: { id: string }, ctx: GraphqlContext) => nodeById(ctx, id),
  nodes: ({ ids }: { ids: string[] }, ctx: GraphqlContext) => ids.map((id) => nodeById(ctx, id)),
};

async function nodeById(ctx: GraphqlContext, id: string): Promise<Record<string, unknown> | null> {
  for (const repo of ctx.twin.store.repos.values()) {
    if (!ctx.twin.canSee(ctx.caller, repo)) continue;
    if (repo.nodeId === id) return repositoryNode(ctx, repo);
    for (const issue of repo.issues.values()) {
      if (issue.pull?.nodeId === id) return pullRequestNode(ctx, repo, issue);
    }
    for (const run of repo.workflowRuns.values()) {
      if (run.nodeId === id) return workflowRunNode(ctx, repo, run);
      if (`CS_${run.checkSuiteId}` === id) return checkSuiteNode(ctx, repo, run);
    }
    for (const workflow of repo.workflows.values()) {
      if (workflow.nodeId === id) return workflowNode(ctx, repo, workflow);
    }
  }
  if (id.startsWith("REF_")) {
    const { repo, ref } = refById(ctx, id);
    return refNode(ctx, repo, ref);
  }
  throw notFound(`a node with the global id of '${id}'`);
}
