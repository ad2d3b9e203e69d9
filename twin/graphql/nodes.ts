import type { GraphQLResolveInfo } from "graphql";
import type { Caller } from "../auth.js";
import type { TwinCore } from "../twin-core.js";
import type {
  Account,
  IssueRecord,
  PullRecord,
  RepoRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from "../state.js";
import { fullName } from "../state.js";
import type { GitCommit, TreeEntry } from "../git/git-repo.js";
import { headSha, missingChecks } from "../pull-state.js";
import { mergeableState } from "../rest/pull-json.js";
import { notFound, typedError } from "./errors.js";
import { pageOf, type PageArgs } from "./paging.js";
import { blobText } from "../limits.js";

export interface GraphqlContext {
  readonly twin: TwinCore;
  readonly caller: Caller;
  readonly actor: Account;
}

type Node = Record<string, unknown>;

function connection<T>(items: readonly T[], args: { first?: number | null; last?: number | null }): Node {
  const limited = args.first ? items.slice(0, args.first) : args.last ? items.slice(-args.last) : items;
  return {
    __typename: "Connection",
    totalCount: items.length,
    nodes: limited,
    edges: limited.map((node, index) => ({
      node,
      cursor: Buffer.from(`cursor:${index}`).toString("base64"),
    })),
    pageInfo: {
      hasNextPage: limited.length < items.length && Boolean(args.first),
      hasPreviousPage: limited.length < items.length && Boolean(args.last),
      startCursor: limited.length > 0 ? Buffer.from("cursor:0").toString("base64") : null,
      endCursor: limited.length > 0 ? Buffer.from(`cursor:${limited.length - 1}`).toString("base64") : null,
    },
  };
}

/**
 * A user, organization or bot. GitHub's GraphQL names an app's bot without the `[bot]` that REST and
 * webhooks add (`Bot.login` "gitops-image-bot" is REST's "gitops-image-bot[bot]"), at `/apps/<slug>`.
 */
export function actorNode(ctx: GraphqlContext, account: Account): Node {
  const web = ctx.twin.urls.web;
  const bot = account.type === "Bot";
  const login = bot ? account.login.replace(/\[bot\]$/, "") : account.login;
  const path = bot ? `/apps/${login}` : `/${login}`;
  return {
    __typename: bot ? "Bot" : account.type === "Organization" ? "Organization" : "User",
    id: account.nodeId,
    databaseId: account.id,
    login,
    name: account.name,
    url: `${web}${path}`,
    avatarUrl: `${web}/avatars/u/${account.id}`,
    resourcePath: path,
  };
}

export function repositoryNode(ctx: GraphqlContext, repo: RepoRecord): Node {
  const git = repo.git;
  return {
    __typename: "Repository",
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: fullName(repo),
    owner: actorNode(ctx, repo.owner),
    url: `${ctx.twin.urls.web}/${fullName(repo)}`,
    isPrivate: repo.private,
    isArchived: false,
    isFork: repo.parent !== undefined,
    parent: () => (repo.parent ? repositoryNode(ctx, repo.parent) : null),
    autoMergeAllowed: repo.allowAutoMerge,
    mergeCommitAllowed: repo.allowMergeCommit,
    squashMergeAllowed: repo.allowSquashMerge,
    rebaseMergeAllowed: repo.allowRebaseMerge,
    deleteBranchOnMerge: repo.deleteBranchOnMerge,
    createdAt: repo.createdAt,
    pushedAt: repo.pushedAt,
    defaultBranchRef: async () => refNode(ctx, repo, `refs/heads/${repo.defaultBranch}`),
    ref: async ({ qualifiedName }: { qualifiedName: string }) => {
      const name = qualifiedName.startsWith("refs/") ? qualifiedName : `refs/heads/${qualifiedName}`;
      return refNode(ctx, repo, name);
    },
    refs: async (args: { refPrefix: string; first?: number; last?: number; query?: string }) => {
      const refs = await git.listRefs(args.refPrefix);
      const nodes = [];
      for (const entry of refs) {
        if (args.query && !entry.ref.includes(args.query)) continue;
        nodes.push(await refNode(ctx, repo, entry.ref));
      }
      return connection(nodes, args);
    },
    object: async (args: { oid?: string; expression?: string }) => {
      if (args.oid !== undefined) return objectByOid(ctx, repo, args.oid);
      return objectNode(ctx, repo, args.expression ?? "");
    },
    pullRequest: async ({ number }: { number: number }) => {
      const issue = repo.issues.get(number);
      if (!issue?.pull) throw notFound(`a PullRequest with the number of ${number}`);
      return pullRequestNode(ctx, repo, issue);
    },
    issue: async ({ number }: { number: number }) => {
      const issue = repo.issues.get(number);
      if (!issue || issue.pull) throw notFound(`an Issue with the number of ${number}`);
      return issueNode(ctx, repo, issue);
    },
    // As on GitHub, `headRefName` matches forks' pull requests from a branch of that name too.
    pullRequests: (
      args: PageArgs & { states?: string[]; headRefName?: string; baseRefName?: string },
      _ctx: unknown,
      info: GraphQLResolveInfo,
    ) => {
      const list = [...repo.issues.values()].filter(
        (issue) =>
          issue.pull &&
          (!args.headRefName || issue.pull.headRef === args.headRefName) &&
          (!args.baseRefName || issue.pull.baseRef === args.baseRefName) &&
          (!args.states || args.states.includes(pullState(issue))),
      );
      return pageOf(list, args, {
        field: "pullRequests",
        info,
        key: (issue) => issue.number,
        node: (issue) => pullRequestNode(ctx, repo, issue),
      });
    },
  };
}

function pullState(issue: IssueRecord): "OPEN" | "CLOSED" | "MERGED" {
  if (issue.pull?.merged) return "MERGED";
  return issue.state === "open" ? "OPEN" : "CLOSED";
}

export async function refNode(ctx: GraphqlContext, repo: RepoRecord, ref: string): Promise<Node | null> {
  const sha = await repo.git.getRef(ref);
  if (!sha) return null;
  const slash = ref.startsWith("refs/heads/")
    ? "refs/heads/".length
    : ref.startsWith("refs/tags/")
      ? "refs/tags/".length
      : ref.lastIndexOf("/") + 1;
  return {
    __typename: "Ref",
    id: `REF_${Buffer.from(`${repo.id}:${ref}`).toString("base64url")}`,
    name: ref.slice(slash),
    prefix: ref.slice(0, slash),
    repository: () => repositoryNode(ctx, repo),
    target: async () => commitNode(ctx, repo, (await repo.git.readCommit(sha))!),
    associatedPullRequests: (args: { states?: string[]; first?: number; last?: number }) => {
      const branch = ref.slice(slash);
      const list = [...repo.issues.values()]
        .filter((issue) => issue.pull?.headRepo === repo && issue.pull.headRef === branch)
        .filter((issue) => !args.states || args.states.includes(pullState(issue)))
        .map((issue) => pullRequestNode(ctx, repo, issue));
      return connection(list, args);
    },
  };
}

/** `Repository.object(oid:)`: a commit, tree or blob by its full id (GitHub does not take an abbreviation). */
async function objectByOid(ctx: GraphqlContext, repo: RepoRecord, oid: string): Promise<Node | null> {
  if (!/^[0-9a-f]{40}$/.test(oid)) return null;
  if (await repo.git.hasObject(oid, "commit"))
    return commitNode(ctx, repo, (await repo.git.readCommit(oid))!);
  if (await repo.git.hasObject(oid, "tree")) return treeNode(ctx, repo, oid, "");
  if (await repo.git.hasObject(oid, "blob")) return blobNode(ctx, repo, oid);
  return null;
}

/** `Repository.object(expression:)`: `main:path/to/file` is a blob or tree, `main` or a SHA is a commit. */
export async function objectNode(
  ctx: GraphqlContext,
  repo: RepoRecord,
  expression: string,
): Promise<Node | null> {
  const colon = expression.indexOf(":");
  if (colon === -1) {
    const sha = await repo.git.resolveCommit(expression);
    return sha ? commitNode(ctx, repo, (await repo.git.readCommit(sha))!) : null;
  }
  const commit = await repo.git.resolveCommit(expression.slice(0, colon) || "HEAD");
  if (!commit) return null;
  const entry = await repo.git.entryAt(commit, expression.slice(colon + 1));
  if (!entry) return null;
  return entryObject(ctx, repo, entry);
}

async function entryObject(ctx: GraphqlContext, repo: RepoRecord, entry: TreeEntry): Promise<Node | null> {
  if (entry.type === "tree") return treeNode(ctx, repo, entry.sha, entry.path);
  if (entry.type === "blob") return blobNode(ctx, repo, entry.sha);
  return null;
}

export async function blobNode(ctx: GraphqlContext, repo: RepoRecord, sha: string): Promise<Node> {
  const data = (await repo.git.readBlob(sha)) ?? Buffer.alloc(0);
  const binary = data.includes(0);
  const { text, truncated } = blobText(data);
  return {
    __typename: "Blob",
    id: `B_${sha}`,
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    byteSize: data.length,
    isBinary: binary,
    isTruncated: !binary && truncated,
    text: binary ? null : text,
    repository: () => repositoryNode(ctx, repo),
  };
}

export function treeNode(ctx: GraphqlContext, repo: RepoRecord, sha: string, path: string): Node {
  return {
    __typename: "Tree",
    id: `T_${sha}`,
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    repository: () => repositoryNode(ctx, repo),
    entries: async () => {
      const entries = await repo.git.readTree(sha, false);
      return entries.map((entry) =>
        treeEntryNode(ctx, repo, entry, path === "" ? entry.path : `${path}/${entry.path}`),
      );
    },
  };
}

function treeEntryNode(ctx: GraphqlContext, repo: RepoRecord, entry: TreeEntry, path: string): Node {
  const name = path.split("/").at(-1) ?? path;
  const dot = name.lastIndexOf(".");
  return {
    __typename: "TreeEntry",
    name,
    path,
    type: entry.type,
    mode: parseInt(entry.mode, 8),
    oid: entry.sha,
    size: entry.size ?? 0,
    extension: dot > 0 ? name.slice(dot) : null,
    isGenerated: false,
    object: () => entryObject(ctx, repo, { ...entry, path }),
    repository: () => repositoryNode(ctx, repo),
  };
}

export function commitNode(ctx: GraphqlContext, repo: RepoRecord, commit: GitCommit): Node {
  const web = `${ctx.twin.urls.web}/${fullName(repo)}`;
  const message = commit.message.replace(/\n$/, "");
  const newline = message.indexOf("\n");
  const gitActor = (who: GitCommit["author"]): Node => ({
    name: who.name,
    email: who.email,
    date: who.date,
    user: null,
    avatarUrl: `${ctx.twin.urls.web}/avatars/e/${encodeURIComponent(who.email)}`,
  });
  const node: Node = {
    __typename: "Commit",
    id: `C_${commit.sha}`,
    oid: commit.sha,
    abbreviatedOid: commit.sha.slice(0, 7),
    message,
    messageHeadline: newline === -1 ? message : message.slice(0, newline),
    messageBody: newline === -1 ? "" : message.slice(newline + 1).replace(/^\n/, ""),
    committedDate: commit.committer.date,
    authoredDate: commit.author.date,
    author: gitActor(commit.author),
    committer: gitActor(commit.committer),
    url: `${web}/commit/${commit.sha}`,
    commitUrl: `${web}/commit/${commit.sha}`,
    resourcePath: `/${fullName(repo)}/commit/${commit.sha}`,
    repository: () => repositoryNode(ctx, repo),
    tree: () => treeNode(ctx, repo, commit.tree, ""),
    file: async ({ path }: { path: string }) => {
      const entry = await repo.git.entryAt(commit.sha, path);
      return entry ? treeEntryNode(ctx, repo, entry, entry.path) : null;
    },
    parents: async (args: { first?: number; last?: number }) => {
      const parents = [];
      for (const sha of commit.parents)
        parents.push(commitNode(ctx, repo, (await repo.git.readCommit(sha))!));
      return connection(parents, args);
    },
    history: async (args: HistoryArgs) => {
      if (args.since || args.until || args.after) return historyPage(ctx, repo, commit.sha, args);
      const shas = await repo.git.log(commit.sha, {
        ...(args.path ? { path: args.path } : {}),
        ...(args.first ? { limit: args.first } : {}),
      });
      // The whole history is walked only when the query asks for its size.
      const total = async () =>
        args.first
          ? (await repo.git.log(commit.sha, args.path ? { path: args.path } : {})).length
          : shas.length;
      const nodes = [];
      for (const sha of shas) nodes.push(commitNode(ctx, repo, (await repo.git.readCommit(sha))!));
      return {
        ...connection(nodes, {}),
        totalCount: total,
        pageInfo: async () => ({
          hasNextPage: (await total()) > nodes.length,
          hasPreviousPage: false,
          startCursor: null,
          endCursor: nodes.length > 0 ? historyCursor(commit.sha, nodes.length - 1) : null,
        }),
      };
    },
    checkSuites: (args: CheckSuitesArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      checkSuitesOf(ctx, repo, node, commit.sha, args, info),
  };
  return node;
}

interface HistoryArgs {
  readonly first?: number;
  readonly last?: number;
  readonly path?: string;
  /** GitTimestamp: only commits whose committer date is at or after it (as `git log --since`). */
  readonly since?: string;
  readonly until?: string;
  readonly after?: string;
}

/** GitHub's history cursors: `<head oid> <offset>` in base64, the offset of the page's last commit. */
function historyCursor(head: string, offset: number): string {
  return Buffer.from(`${head} ${offset}`).toString("base64");
}

function historyOffset(cursor: string, head: string): number {
  const [oid, offset] = Buffer.from(cursor, "base64").toString("utf8").split(" ");
  const at = Number(offset);
  if (oid !== head || !Number.isSafeInteger(at) || at < 0)
    throw typedError("INVALID_CURSOR_ARGUMENTS", `\`${cursor}\` does not appear to be a valid cursor.`);
  return at;
}

/**
 * `Commit.history` with `since`/`until` (committer dates, as `git log --since/--until`) or a page after
 * a cursor: the whole history is walked, filtered by date, and the page cut from it.
 */
async function historyPage(
  ctx: GraphqlContext,
  repo: RepoRecord,
  head: string,
  args: HistoryArgs,
): Promise<Node> {
  if ((args.first ?? 0) > 100)
    throw typedError(
      "EXCESSIVE_PAGINATION",
      `Requesting ${args.first} records on the \`history\` connection exceeds the \`first\` limit of 100 records.`,
    );
  const since = args.since ? Date.parse(args.since) : Number.NEGATIVE_INFINITY;
  const until = args.until ? Date.parse(args.until) : Number.POSITIVE_INFINITY;
  const commits: GitCommit[] = [];
  for (const sha of await repo.git.log(head, args.path ? { path: args.path } : {})) {
    const found = (await repo.git.readCommit(sha))!;
    const date = Date.parse(found.committer.date);
    if (date >= since && date <= until) commits.push(found);
  }
  const start = args.after ? historyOffset(args.after, head) + 1 : 0;
  const page = commits.slice(start, start + (args.first ?? commits.length));
  const nodes = page.map((found) => commitNode(ctx, repo, found));
  return {
    ...connection(nodes, {}),
    totalCount: commits.length,
    pageInfo: {
      hasNextPage: start + page.length < commits.length,
      hasPreviousPage: start > 0,
      startCursor: page.length > 0 ? historyCursor(head, start) : null,
      endCursor: page.length > 0 ? historyCursor(head, start + page.length - 1) : null,
    },
  };
}

interface CheckSuitesArgs extends PageArgs {
  readonly filterBy?: { readonly appId?: number | null; readonly checkName?: string | null } | null;
}

/**
 * `Commit.checkSuites`: GitHub Actions makes one check suite per workflow run, so the suites of a commit
 * are the runs recorded for it, oldest first. `filterBy.appId` is the app's database id (15368 for
 * GitHub Actions); `filterBy.checkName` matches a check run of the suite, that is a job of the run, not
 * the workflow's name (as GitHub's REST `check_name`: "Returns check runs with the specified name").
 */
function checkSuitesOf(
  ctx: GraphqlContext,
  repo: RepoRecord,
  commit: Node,
  sha: string,
  args: CheckSuitesArgs,
  info: GraphQLResolveInfo,
): Node {
  const appId = args.filterBy?.appId;
  const checkName = args.filterBy?.checkName;
  const runs = [...repo.workflowRuns.values()]
    .filter((run) => run.headSha === sha)
    .filter(() => typeof appId !== "number" || appId === GITHUB_ACTIONS.databaseId)
    .filter((run) => typeof checkName !== "string" || run.jobs.includes(checkName))
    .sort((a, b) => a.checkSuiteId - b.checkSuiteId);
  return pageOf(runs, args, {
    field: "checkSuites",
    info,
    key: (run) => run.checkSuiteId,
    node: (run) => checkSuiteNode(ctx, repo, run, commit),
  });
}

/** GitHub Actions, the app of every workflow run's check suite, with its ids and dates on github.com. */
const GITHUB_ACTIONS = {
  id: "MDM6QXBwMTUzNjg=",
  databaseId: 15368,
  slug: "github-actions",
  name: "GitHub Actions",
  description: "Automate your workflow from idea to production",
  createdAt: "2018-07-30T09:30:17Z",
  updatedAt: "2019-12-10T19:04:12Z",
} as const;

function githubActionsNode(ctx: GraphqlContext): Node {
  const web = ctx.twin.urls.web;
  return {
    __typename: "App",
    ...GITHUB_ACTIONS,
    url: `${web}/apps/${GITHUB_ACTIONS.slug}`,
    logoUrl: ({ size }: { size?: number | null }) =>
      `${web}/avatars/in/${GITHUB_ACTIONS.databaseId}?${typeof size === "number" ? `s=${size}&` : ""}v=4`,
    // Only the app's owner sees its allow list.
    ipAllowListEntries: (args: PageArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      emptyConnection("ipAllowListEntries", args, info),
  };
}

function emptyConnection(field: string, args: PageArgs, info: GraphQLResolveInfo): Node {
  return pageOf<never>([], args, { field, info, key: () => 0, node: () => ({}) });
}

async function commitOf(ctx: GraphqlContext, repo: RepoRecord, sha: string): Promise<Node | null> {
  const commit = await repo.git.readCommit(sha);
  return commit ? commitNode(ctx, repo, commit) : null;
}

/** The check suite of a workflow run; its node id is the one REST gives as `check_suite_node_id`. */
export function checkSuiteNode(
  ctx: GraphqlContext,
  repo: RepoRecord,
  run: WorkflowRunRecord,
  commit?: Node,
): Node {
  const resourcePath = `/${fullName(repo)}/commit/${run.headSha}/checks?check_suite_id=${run.checkSuiteId}`;
  return {
    __typename: "CheckSuite",
    id: `CS_${run.checkSuiteId}`,
    databaseId: run.checkSuiteId,
    status: run.status.toUpperCase(),
    conclusion: run.status === "completed" && run.conclusion ? run.conclusion.toUpperCase() : null,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    url: `${ctx.twin.urls.web}${resourcePath}`,
    resourcePath,
    commit: commit ?? (() => commitOf(ctx, repo, run.headSha)),
    repository: () => repositoryNode(ctx, repo),
    branch: () => (run.headBranch === null ? null : refNode(ctx, repo, `refs/heads/${run.headBranch}`)),
    app: () => githubActionsNode(ctx),
    // `creator` is a User: a bot that pushed is none.
    creator: run.actor.type === "User" ? actorNode(ctx, run.actor) : null,
    workflowRun: () => workflowRunNode(ctx, repo, run),
  };
}

export function workflowRunNode(ctx: GraphqlContext, repo: RepoRecord, run: WorkflowRunRecord): Node {
  const resourcePath = `/${fullName(repo)}/actions/runs/${run.id}`;
  return {
    __typename: "WorkflowRun",
    id: run.nodeId,
    databaseId: run.id,
    runNumber: run.runNumber,
    event: run.event,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    url: `${ctx.twin.urls.web}${resourcePath}`,
    resourcePath,
    checkSuite: () => checkSuiteNode(ctx, repo, run),
    workflow: () => workflowNode(ctx, repo, run.workflow),
    file: () => workflowRunFileNode(ctx, repo, run),
    // The twin has no environments with required reviewers: no reviews, nothing waits for one.
    deploymentReviews: (args: PageArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      emptyConnection("deploymentReviews", args, info),
    pendingDeploymentRequests: (args: PageArgs, _ctx: unknown, info: GraphQLResolveInfo) =>
      emptyConnection("pendingDeploymentRequests", args, info),
  };
}

/** The workflow file a run executed: the file at the run's head commit. */
function workflowRunFileNode(ctx: GraphqlContext, repo: RepoRecord, run: WorkflowRunRecord): Node {
  const resourcePath = `/${fullName(repo)}/actions/runs/${run.id}/workflow`;
  return {
    __typename: "WorkflowRunFile",
    id: ctx.twin.store.nodeId("WFRF", run.id),
    path: run.workflow.path,
    url: `${ctx.twin.urls.web}${resourcePath}`,
    resourcePath,
    repositoryName: fullName(repo),
    repositoryFileUrl: `${ctx.twin.urls.web}/${fullName(repo)}/blob/${run.headSha}/${run.workflow.path}`,
    // The file is in the repository the caller reached the run through.
    viewerCanReadRepository: true,
    run: () => workflowRunNode(ctx, repo, run),
  };
}

export function workflowNode(ctx: GraphqlContext, repo: RepoRecord, workflow: WorkflowRecord): Node {
  const resourcePath = `/${fullName(repo)}/actions/workflows/${workflow.path.split("/").at(-1) ?? ""}`;
  return {
    __typename: "Workflow",
    id: workflow.nodeId,
    databaseId: workflow.id,
    name: workflow.name,
    state: "ACTIVE",
    createdAt: workflow.createdAt,
    updatedAt: workflow.createdAt,
    url: `${ctx.twin.urls.web}${resourcePath}`,
    resourcePath,
    runs: (
      args: PageArgs & { orderBy?: { direction?: "ASC" | "DESC" } | null },
      _ctx: unknown,
      info: GraphQLResolveInfo,
    ) => {
      // Ordered by creation (CREATED_AT, the only field), newest first unless asked otherwise.
      const descending = args.orderBy?.direction !== "ASC";
      const runs = [...repo.workflowRuns.values()]
        .filter((run) => run.workflow.id === workflow.id)
        .sort((a, b) => (descending ? b.id - a.id : a.id - b.id));
      return pageOf(runs, args, {
        field: "runs",
        info,
        key: (run) => run.id,
        descending,
        node: (run) => workflowRunNode(ctx, repo, run),
      });
    },
  };
}

export function issueNode(ctx: GraphqlContext, repo: RepoRecord, issue: IssueRecord): Node {
  return {
    __typename: "Issue",
    id: issue.nodeId,
    databaseId: issue.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state === "open" ? "OPEN" : "CLOSED",
    closed: issue.state === "closed",
    url: `${ctx.twin.urls.web}/${fullName(repo)}/issues/${issue.number}`,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    author: actorNode(ctx, issue.user),
    repository: () => repositoryNode(ctx, repo),
  };
}

export function pullRequestNode(ctx: GraphqlContext, repo: RepoRecord, issue: IssueRecord): Node {
  const pull = issue.pull as PullRecord;
  const view = { issue, pull };
  return {
    __typename: "PullRequest",
    id: pull.nodeId,
    databaseId: pull.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    url: `${ctx.twin.urls.web}/${fullName(repo)}/pull/${issue.number}`,
    permalink: `${ctx.twin.urls.web}/${fullName(repo)}/pull/${issue.number}`,
    state: pullState(issue),
    closed: issue.state === "closed",
    merged: pull.merged,
    mergedAt: pull.mergedAt,
    closedAt: issue.closedAt,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    isDraft: pull.draft,
    locked: issue.locked,
    maintainerCanModify: pull.maintainerCanModify,
    headRefName: pull.headRef,
    baseRefName: pull.baseRef,
    author: actorNode(ctx, issue.user),
    mergedBy: pull.mergedBy ? actorNode(ctx, pull.mergedBy) : null,
    repository: () => repositoryNode(ctx, repo),
    baseRepository: () => repositoryNode(ctx, repo),
    // A fork's pull request: its head branch lives in the fork (GitHub's `isCrossRepository`).
    headRepository: () => repositoryNode(ctx, pull.headRepo),
    headRepositoryOwner: () => actorNode(ctx, pull.headRepo.owner),
    isCrossRepository: pull.headRepo !== repo,
    headRefOid: async () => headSha(repo, pull),
    baseRefOid: async () => (await repo.git.getRef(`refs/heads/${pull.baseRef}`)) ?? "",
    headRef: async () =>
      pull.merged && !(await pull.headRepo.git.getRef(`refs/heads/${pull.headRef}`))
        ? null
        : refNode(ctx, pull.headRepo, `refs/heads/${pull.headRef}`),
    baseRef: async () => refNode(ctx, repo, `refs/heads/${pull.baseRef}`),
    mergeCommit: async () =>
      pull.mergeCommitSha ? commitNode(ctx, repo, (await repo.git.readCommit(pull.mergeCommitSha))!) : null,
    mergeable: async () => {
      const state = await mergeableState(repo, view);
      return state.mergeable === null ? "UNKNOWN" : state.mergeable ? "MERGEABLE" : "CONFLICTING";
    },
    mergeStateStatus: async () => {
      const state = await mergeableState(repo, view);
      return state.state === "unknown" ? "UNKNOWN" : state.state.toUpperCase();
    },
    autoMergeRequest: pull.autoMerge
      ? {
          enabledAt: pull.autoMerge.enabledAt,
          enabledBy: actorNode(ctx, pull.autoMerge.enabledBy),
          mergeMethod: pull.autoMerge.mergeMethod,
          commitHeadline: pull.autoMerge.commitTitle,
          commitBody: pull.autoMerge.commitBody,
          authorEmail: null,
          pullRequest: () => pullRequestNode(ctx, repo, issue),
        }
      : null,
    viewerCanEnableAutoMerge: async () =>
      repo.allowAutoMerge &&
      issue.state === "open" &&
      missingChecks(repo, await headSha(repo, pull)).length > 0,
  };
}
