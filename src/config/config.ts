/** How a new image reaches an environment's files. */
export type Mode = "commit" | "pull-request" | "auto-merge";

export const MODES = ["commit", "pull-request", "auto-merge"] as const satisfies readonly Mode[];

export type MergeMethod = "merge" | "squash" | "rebase";

export const MERGE_METHODS = ["merge", "squash", "rebase"] as const satisfies readonly MergeMethod[];

/** What happens when Argo CD reports a build Degraded in an environment. */
export type OnDegraded = "report" | "hold" | "rollback";

export const ON_DEGRADED = ["report", "hold", "rollback"] as const satisfies readonly OnDegraded[];

/**
 * The events that start a deployment: a finished build workflow, a published GitHub package, a build
 * sent to `POST /api/builds` by any CI, a push to a registry (Harbor, Docker Hub, Quay).
 */
export type Trigger = "workflow_run" | "package" | "build" | "registry";

export const TRIGGERS = [
  "workflow_run",
  "package",
  "build",
  "registry",
] as const satisfies readonly Trigger[];

/**
 * How builds of a source are ordered, so an older one never replaces a newer one: by the source
 * commits' ancestry (GitHub sources), by the build number the CI sends, or by semantic version.
 */
export type Order = "ancestry" | "build-number" | "semver";

export const ORDERS = ["ancestry", "build-number", "semver"] as const satisfies readonly Order[];

/** One image of a source repository (a monorepo builds several), and the workflows that build it. */
export interface SourceImage {
  /** Image-name template with `{owner}` and `{repo}`; the rendered name is lower-cased. */
  image: string;
  /** Globs over the workflow file path; empty = any of the source's workflows. */
  workflows: string[];
}

/** Which source repositories build images, and how their images and tags are named (defaults applied). */
export interface SourceConfig {
  /** Globs over `owner/name`, matched case-insensitively. */
  repositories: string[];
  triggers: Trigger[];
  /** Globs over the workflow file path (`.github/workflows/build.yml`); empty = any workflow. */
  workflows: string[];
  /** `workflow_run.event` values that deploy. */
  events: string[];
  /** Image-name template with `{owner}` and `{repo}`; the rendered name is lower-cased (the first of `images`). */
  image: string;
  /** Every image the source builds (one unless the config lists `images`), in the config's order. */
  images: SourceImage[];
  /** Tag template: `{sha}`/`{sha:N}`, `{build}` and `{version}`, at most one of each. */
  tag: string;
  order: Order;
  /** Where the repositories live when not on this GitHub (`gitlab.example.com`); undefined: GitHub. */
  host: string | undefined;
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
