import { createPublicKey, randomBytes } from "node:crypto";
import { join } from "node:path";
import { GitRepo, ZERO_SHA, type TreeChange } from "./git/git-repo.js";
import type {
  Account,
  AccountType,
  AppRecord,
  CheckRunRecord,
  InstallationRecord,
  Permission,
  RepoRecord,
  TokenRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from "./state.js";

export interface SeedFile {
  readonly path: string;
  readonly content: string;
}

export interface CreateRepoInput {
  readonly owner: string;
  readonly name: string;
  readonly defaultBranch?: string;
  readonly private?: boolean;
  /** Files of the first commit on the default branch (none: an empty repository). */
  readonly files?: readonly SeedFile[];
  readonly allowAutoMerge?: boolean;
  readonly collaborators?: Record<string, Permission>;
  /** Status or check names a PR's head needs before it may merge (the base branch's protection). */
  readonly requiredChecks?: readonly string[];
  /**
   * A fork of this repository (`owner/name`, which must exist): GitHub says `fork: true`; it starts with
   * the parent's branches (`files` are then a commit on top of its default branch).
   */
  readonly forkOf?: string;
}

/** A run of a GitHub Actions workflow, as a CI system finishing a build would leave it. */
export interface WorkflowRunInput {
  readonly headSha: string;
  /** The branch built (default: the repository's default branch); null when none (a tag's run). */
  readonly headBranch?: string | null;
  /** What started the run (default: push). */
  readonly event?: string;
  /** The workflow file (default: `.github/workflows/build.yml`). */
  readonly path?: string;
  /** The run's name (default: the workflow's, which is its path when a run first names none, as on GitHub). */
  readonly name?: string;
  /** Default: completed. */
  readonly status?: CheckRunRecord["status"];
  /** Default: success for a completed run, null otherwise. */
  readonly conclusion?: string | null;
  /** Who pushed (default: twin-seeder, the account behind `commitFiles`' default author). */
  readonly actor?: string;
  /**
   * The names of the run's jobs, which are the check runs of its check suite (default: none). GitHub's
   * `checkSuites(filterBy: { checkName })` matches these, not the workflow's name.
   */
  readonly jobs?: readonly string[];
  /**
   * The repository whose code was built (default: the run's own): a fork, for a `pull_request` run of a
   * fork's pull request. GitHub's `head_repository`.
   */
  readonly headRepository?: RepoRecord;
}

/** Everything the twin knows: accounts, apps, installations, tokens, repositories (with real git stores). */
export class TwinStore {
  readonly accounts = new Map<string, Account>();
  readonly apps = new Map<number, AppRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  readonly repos = new Map<string, RepoRecord>();
  readonly repoIds = new Map<number, RepoRecord>();
  #nextId = 1000;

  constructor(
    readonly dataDir: string,
    readonly now: () => Date,
  ) {}

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  nodeId(type: string, id: number): string {
    return `${type}_kw${Buffer.from(`${type}:${id}`).toString("base64url")}`;
  }

  timestamp(): string {
    return this.now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }

  account(login: string, type: AccountType = "User"): Account {
    const existing = this.accounts.get(login.toLowerCase());
    if (existing) return existing;
    const id = this.nextId();
    const prefix = type === "Organization" ? "O" : type === "Bot" ? "BOT" : "U";
    const account: Account = {
      id,
      nodeId: this.nodeId(prefix, id),
      login,
      type,
      name: login,
      email: type === "Bot" ? `${id}+${login}@users.noreply.github.com` : `${login}@example.com`,
    };
    this.accounts.set(login.toLowerCase(), account);
    return account;
  }

  findAccount(login: string): Account | undefined {
    return this.accounts.get(login.toLowerCase());
  }

  createApp(input: {
    id?: number;
    slug: string;
    owner: string;
    publicKeyPem: string;
    webhookUrl?: string;
    webhookSecret?: string;
    permissions?: Record<string, string>;
    events?: readonly string[];
  }): AppRecord {
    const id = input.id ?? this.nextId();
    const app: AppRecord = {
      id,
      nodeId: this.nodeId("A", id),
      slug: input.slug,
      name: input.slug,
      owner: this.account(input.owner, "Organization"),
      bot: this.account(`${input.slug}[bot]`, "Bot"),
      publicKey: createPublicKey(input.publicKeyPem),
      permissions: input.permissions ?? { contents: "write", pull_requests: "write", metadata: "read" },
      events: input.events ?? [],
      webhookUrl: input.webhookUrl ?? null,
      webhookSecret: input.webhookSecret ?? null,
      createdAt: this.timestamp(),
    };
    this.apps.set(id, app);
    return app;
  }

  install(
    appId: number,
    account: string,
    repositories: "all" | readonly string[] = "all",
  ): InstallationRecord {
    const owner = this.findAccount(account) ?? this.account(account, "Organization");
    const ids =
      repositories === "all"
        ? "all"
        : new Set(repositories.map((name) => this.requireRepo(owner.login, name).id));
    const installation: InstallationRecord = {
      id: this.nextId(),
      appId,
      account: owner,
      repositories: ids,
      createdAt: this.timestamp(),
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  issueToken(installationId: number, lifetimeMs = 3_600_000): TokenRecord {
    const record: TokenRecord = {
      token: `ghs_${randomBytes(18).toString("base64url")}`,
      installationId,
      expiresAt: this.now().getTime() + lifetimeMs,
    };
    this.tokens.set(record.token, record);
    return record;
  }

  /** Whether an installation may see a repository. */
  installationCovers(installation: InstallationRecord, repo: RepoRecord): boolean {
    if (installation.account.id !== repo.owner.id) return false;
    return installation.repositories === "all" || installation.repositories.has(repo.id);
  }

  async createRepo(input: CreateRepoInput): Promise<RepoRecord> {
    const key = `${input.owner}/${input.name}`.toLowerCase();
    if (this.repos.has(key)) throw new Error(`twin: repository ${input.owner}/${input.name} already exists`);
    const owner = this.findAccount(input.owner) ?? this.account(input.owner, "Organization");
    const parent = input.forkOf === undefined ? undefined : this.requireRepo(...splitFullName(input.forkOf));
    const id = this.nextId();
    const defaultBranch = input.defaultBranch ?? parent?.defaultBranch ?? "main";
    const git = await GitRepo.init(join(this.dataDir, `${owner.login}`, `${input.name}.git`), defaultBranch);
    const now = this.timestamp();
    const repo: RepoRecord = {
      id,
      nodeId: this.nodeId("R", id),
      owner,
      name: input.name,
      defaultBranch,
      private: input.private ?? true,
      git,
      allowAutoMerge: input.allowAutoMerge ?? true,
      allowMergeCommit: true,
      allowSquashMerge: true,
      allowRebaseMerge: true,
      deleteBranchOnMerge: false,
      requiredChecks: [...(input.requiredChecks ?? [])],
      collaborators: new Map(Object.entries(input.collaborators ?? {})),
      issues: new Map(),
      comments: new Map(),
      commitComments: [],
      statuses: [],
      checkRuns: new Map(),
      deployments: new Map(),
      workflows: new Map(),
      workflowRuns: new Map(),
      createdAt: now,
      pushedAt: now,
      ...(parent ? { parent } : {}),
    };
    this.repos.set(key, repo);
    this.repoIds.set(id, repo);
    // A fork starts with its parent's branches and history, as on GitHub.
    if (parent) await git.copyBranches(parent.git);
    if (input.files && input.files.length > 0) {
      await this.commitFiles(repo, defaultBranch, input.files, "Initial commit");
    }
    return repo;
  }

  findRepo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  requireRepo(owner: string, name: string): RepoRecord {
    const repo = this.findRepo(owner, name);
    if (!repo) throw new Error(`twin: no repository ${owner}/${name}`);
    return repo;
  }

  /**
   * Commits files (content, or null to delete) on top of a branch, as a person pushing would;
   * creates the branch from the default branch when it does not exist. Returns the new commit SHA.
   */
  async commitFiles(
    repo: RepoRecord,
    branch: string,
    files: ReadonlyArray<{ path: string; content: string | null }>,
    message: string,
    author: { name: string; email: string } = { name: "Twin Seeder", email: "seeder@example.com" },
  ): Promise<string> {
    const ref = `refs/heads/${branch}`;
    const existing = await repo.git.getRef(ref);
    const parent = existing ?? (await repo.git.getRef(`refs/heads/${repo.defaultBranch}`));
    const baseTree = parent ? ((await repo.git.readCommit(parent))?.tree ?? null) : null;
    const changes: TreeChange[] = [];
    for (const file of files) {
      const sha = file.content === null ? null : await repo.git.writeBlob(Buffer.from(file.content, "utf8"));
      changes.push({ path: file.path, mode: "100644", sha });
    }
    const tree = await repo.git.writeTree(baseTree, changes);
    const date = this.timestamp();
    const commit = await repo.git.writeCommit({
      tree,
      parents: parent ? [parent] : [],
      message,
      author: { ...author, date },
      committer: { ...author, date },
    });
    if (!(await repo.git.casRef(ref, commit, existing ?? ZERO_SHA))) {
      throw new Error(`twin: ${ref} moved while committing`);
    }
    repo.pushedAt = date;
    return commit;
  }

  /** Gives an account (created when new) a role on a repository, or takes it away (null). */
  setPermission(repo: RepoRecord, login: string, permission: Permission | null): Account {
    const account = this.account(login);
    // Keyed by the account's own spelling: that is how the permission route looks collaborators up.
    if (permission === null) repo.collaborators.delete(account.login);
    else repo.collaborators.set(account.login, permission);
    return account;
  }

  /** Records a workflow run (and its workflow, the first time), as GitHub Actions would after a build. */
  recordWorkflowRun(repo: RepoRecord, input: WorkflowRunInput): WorkflowRunRecord {
    const workflow = this.#workflow(repo, input.path ?? ".github/workflows/build.yml", input.name);
    const status = input.status ?? "completed";
    const runs = [...repo.workflowRuns.values()].filter((run) => run.workflow.id === workflow.id);
    const id = this.nextId();
    const now = this.timestamp();
    const run: WorkflowRunRecord = {
      id,
      nodeId: this.nodeId("WFR", id),
      checkSuiteId: this.nextId(),
      workflow,
      name: input.name ?? workflow.name,
      runNumber: runs.length + 1,
      headSha: input.headSha,
      headBranch: input.headBranch === undefined ? repo.defaultBranch : input.headBranch,
      event: input.event ?? "push",
      status,
      conclusion:
        input.conclusion === undefined ? (status === "completed" ? "success" : null) : input.conclusion,
      jobs: [...(input.jobs ?? [])],
      headRepository: input.headRepository,
      actor: this.account(input.actor ?? "twin-seeder"),
      createdAt: now,
      updatedAt: now,
    };
    repo.workflowRuns.set(id, run);
    return run;
  }

  #workflow(repo: RepoRecord, path: string, name: string | undefined): WorkflowRecord {
    const existing = repo.workflows.get(path);
    if (existing) return existing;
    const id = this.nextId();
    const workflow: WorkflowRecord = {
      id,
      nodeId: this.nodeId("W", id),
      name: name ?? path,
      path,
      createdAt: this.timestamp(),
    };
    repo.workflows.set(path, workflow);
    return workflow;
  }
}

function splitFullName(name: string): [string, string] {
  const [owner = "", repo = ""] = name.split("/");
  return [owner, repo];
}
