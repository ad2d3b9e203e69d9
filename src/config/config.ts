/** How a new image reaches an environment's files. */
export type Mode = "commit" | "pull-request" | "auto-merge";

export const MODES = ["commit", "pull-request", "auto-merge"] as const satisfies readonly Mode[];

export type MergeMethod = "merge" | "squash" | "rebase";

export const MERGE_METHODS = ["merge", "squash", "rebase"] as const satisfies readonly MergeMethod[];

/** What happens when Argo CD reports a build Degraded in an environment. */
export type OnDegraded = "report" | "hold" | "rollback";

export const ON_DEGRADED = ["report", "hold", "rollback"] as const satisfies readonly OnDegraded[];

/** The events that start a deployment: a finished build workflow, or a published package. */
export type Trigger = "workflow_run" | "package";

export const TRIGGERS = ["workflow_run", "package"] as const satisfies readonly Trigger[];

/** Which source repositories build images, and how their images and tags are named (defaults applied). */
export interface SourceConfig {
  /** Globs over `owner/name`, matched case-insensitively. */
  repositories: string[];
  triggers: Trigger[];
  /** Globs over the workflow file path (`.github/workflows/build.yml`); empty = any workflow. */
  workflows: string[];
  /** `workflow_run.event` values that deploy. */
  events: string[];
  /** Image-name template with `{owner}` and `{repo}`; the rendered name is lower-cased. */
  image: string;
  /** Tag template with exactly one `{sha}` or `{sha:N}`. */
  tag: string;
}

/** A deployment target: the files that belong to it and how changes reach them (defaults applied). */
/** The least repository permission a person needs to run changing commands (GitHub's role names). */
export type CommandPermission = "write" | "maintain" | "admin";
export const COMMAND_PERMISSIONS = [
  "write",
  "maintain",
  "admin",
] as const satisfies readonly CommandPermission[];

/** Who may run commands that change an environment (`/retag`, `/rollback`, `/freeze` ...). */
export interface CommandRules {
  permission: CommandPermission;
  /** When set, only these GitHub logins (with that permission too). */
  users: string[] | undefined;
}

export interface EnvironmentConfig {
  /** Globs over repository paths, relative to the root. */
  paths: string[];
  mode: Mode;
  /** Globs over source branches that may deploy here; undefined = the source repository's default branch. */
  branches: string[] | undefined;
  mergeMethod: MergeMethod;
  commands: CommandRules;
  /** Which Argo CD applications deploy it, when their source paths do not tell. */
  argocd: { applications: string[] | undefined; selector: string | undefined } | undefined;
  /** The gate: the same build Synced and Healthy in `environment` for `healthyForSeconds` first. */
  after: { environment: string; healthyForSeconds: number } | undefined;
  onDegraded: OnDegraded;
}

/** An alert that freezes environments while it fires. */
export interface AlertFreezeRule {
  /** Labels the alert must carry, with these values. */
  match: Record<string, string>;
  /** Undefined: the environments named by the alert's `gitops_image_bot_freeze` label. */
  environments: string[] | undefined;
}

/** The validated `.github/gitops-image-bot.yml` of a manifests repository, defaults applied. */
export interface Config {
  sources: SourceConfig[];
  /** In the file's order (as JavaScript keeps it: integer-like names would come first). */
  environments: Record<string, EnvironmentConfig>;
  /** The manifests branch to write; undefined = the repository's default branch. */
  branch: string | undefined;
  batchWindowSeconds: number;
  report: { statuses: boolean; deployments: boolean };
  reconcile: ReconcileConfig;
  freeze: { alerts: AlertFreezeRule[] };
}

/** The scheduled reconciliation pass and the dashboard issue. */
export interface ReconcileConfig {
  /** Minutes between passes (0: no scheduled pass). */
  intervalMinutes: number;
  /** The most GitHub requests one pass may make. */
  requestBudget: number;
  /** Keep the dashboard issue up to date. */
  dashboard: boolean;
}
