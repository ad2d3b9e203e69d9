import type { KeyObject } from "node:crypto";
import type { GitRepo } from "./git/git-repo.js";

export type AccountType = "User" | "Organization" | "Bot";
export type Permission = "admin" | "maintain" | "write" | "triage" | "read";

export interface Account {
  readonly id: number;
  readonly nodeId: string;
  readonly login: string;
  readonly type: AccountType;
  readonly name: string;
  readonly email: string;
}

export interface AppRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly slug: string;
  readonly name: string;
  readonly owner: Account;
  readonly bot: Account;
  readonly publicKey: KeyObject;
  readonly permissions: Record<string, string>;
  readonly events: readonly string[];
  webhookUrl: string | null;
  webhookSecret: string | null;
  readonly createdAt: string;
}

export interface InstallationRecord {
  readonly id: number;
  readonly appId: number;
  readonly account: Account;
  /** "all" repositories of the account, or the ids of the selected ones. */
  readonly repositories: "all" | Set<number>;
  readonly createdAt: string;
}

export interface TokenRecord {
  readonly token: string;
  readonly installationId: number;
  readonly expiresAt: number;
}

export interface CommentRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly issueNumber: number;
  body: string;
  readonly user: Account;
  readonly createdAt: string;
  updatedAt: string;
  readonly reactions: ReactionRecord[];
}

/** A comment on a commit (`POST /repos/{o}/{r}/commits/{sha}/comments`), not on a line of it. */
export interface CommitCommentRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly commitId: string;
  readonly body: string;
  readonly user: Account;
  readonly createdAt: string;
}

export interface ReactionRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly user: Account;
  readonly content: string;
  readonly createdAt: string;
}

export interface AutoMergeRecord {
  readonly enabledBy: Account;
  readonly mergeMethod: "MERGE" | "SQUASH" | "REBASE";
  readonly enabledAt: string;
  readonly commitTitle: string | null;
  readonly commitBody: string | null;
}

export interface PullRecord {
  readonly id: number;
  readonly nodeId: string;
  /** The repository the head branch lives in: the base repository, or a fork of it. */
  readonly headRepo: RepoRecord;
  headRef: string;
  /** The head SHA when the PR was last seen with its branch (kept after the branch is deleted). */
  headSha: string;
  baseRef: string;
  draft: boolean;
  merged: boolean;
  mergedAt: string | null;
  mergedBy: Account | null;
  mergeCommitSha: string | null;
  maintainerCanModify: boolean;
  autoMerge: AutoMergeRecord | null;
}

export interface IssueRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: "completed" | "not_planned" | "duplicate" | "reopened" | null;
  readonly user: Account;
  labels: string[];
  assignees: Account[];
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  locked: boolean;
  readonly pull: PullRecord | null;
  readonly reactions: ReactionRecord[];
}

export interface StatusRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly sha: string;
  readonly state: "error" | "failure" | "pending" | "success";
  readonly context: string;
  readonly description: string | null;
  readonly targetUrl: string | null;
  readonly creator: Account;
  readonly createdAt: string;
}

export interface CheckRunRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly headSha: string;
  name: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  startedAt: string | null;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null; annotationsCount: number };
  /** Every annotation sent with `output`, in order (they add up across updates, as on GitHub). */
  readonly annotations: CheckAnnotationRecord[];
  readonly appId: number;
}

export interface CheckAnnotationRecord {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly startColumn: number | null;
  readonly endColumn: number | null;
  readonly level: string;
  readonly title: string | null;
  readonly message: string;
  readonly rawDetails: string | null;
}

/** A GitHub Actions workflow, known by its file; created the first time a run of it is recorded. */
export interface WorkflowRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly name: string;
  /** The workflow file, e.g. `.github/workflows/build.yml`. */
  readonly path: string;
  readonly createdAt: string;
}

export interface WorkflowRunRecord {
  readonly id: number;
  readonly nodeId: string;
  /** The check suite GitHub makes for the run (GraphQL's `CheckSuite` of GitHub Actions, app 15368). */
  readonly checkSuiteId: number;
  readonly workflow: WorkflowRecord;
  readonly name: string;
  readonly runNumber: number;
  readonly headSha: string;
  readonly headBranch: string | null;
  /** What started the run: push, pull_request, workflow_dispatch, release, ... */
  readonly event: string;
  status: CheckRunRecord["status"];
  conclusion: string | null;
  /** The names of the run's jobs: its check runs, which `checkSuites(filterBy: { checkName })` matches. */
  readonly jobs: readonly string[];
  /** The repository whose code was built when it is not the run's own (a fork's pull request). */
  readonly headRepository: RepoRecord | undefined;
  readonly actor: Account;
  readonly createdAt: string;
  updatedAt: string;
}

export interface DeploymentStatusRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly state: "error" | "failure" | "inactive" | "pending" | "success" | "queued" | "in_progress";
  readonly description: string;
  readonly targetUrl: string;
  readonly logUrl: string;
  readonly environmentUrl: string;
  readonly environment: string;
  readonly creator: Account;
  readonly createdAt: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: unknown;
  readonly environment: string;
  readonly originalEnvironment: string;
  readonly description: string | null;
  readonly transientEnvironment: boolean;
  readonly productionEnvironment: boolean;
  readonly creator: Account;
  readonly createdAt: string;
  readonly statuses: DeploymentStatusRecord[];
}

export interface RepoRecord {
  readonly id: number;
  readonly nodeId: string;
  readonly owner: Account;
  readonly name: string;
  defaultBranch: string;
  readonly private: boolean;
  readonly git: GitRepo;
  allowAutoMerge: boolean;
  allowMergeCommit: boolean;
  allowSquashMerge: boolean;
  allowRebaseMerge: boolean;
  deleteBranchOnMerge: boolean;
  /** Status or check names that must succeed on a PR's head before it can merge (branch protection). */
  requiredChecks: string[];
  readonly collaborators: Map<string, Permission>;
  /** Issues and pull requests share one numbering, as on GitHub. */
  readonly issues: Map<number, IssueRecord>;
  readonly comments: Map<number, CommentRecord>;
  readonly commitComments: CommitCommentRecord[];
  readonly statuses: StatusRecord[];
  readonly checkRuns: Map<number, CheckRunRecord>;
  readonly deployments: Map<number, DeploymentRecord>;
  /** Workflows by file path, and their runs by id. */
  readonly workflows: Map<string, WorkflowRecord>;
  readonly workflowRuns: Map<number, WorkflowRunRecord>;
  readonly createdAt: string;
  pushedAt: string;
  /** The repository this one is a fork of. */
  readonly parent?: RepoRecord;
}

export function fullName(repo: RepoRecord): string {
  return `${repo.owner.login}/${repo.name}`;
}
