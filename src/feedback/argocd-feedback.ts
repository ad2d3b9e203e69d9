import type { ApplicationFunctionOptions } from "probot";
import type { Config } from "../config/config.js";
import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { ArgocdClient } from "../adapters/argocd/argocd-client.js";
import type { ObservationSink } from "../core/feedback/observation.js";
import { githubWebOf } from "../core/feedback/repo-url.js";
import { registerArgocd, webhookSecrets } from "../http/argocd-route.js";
import type { LastErrors } from "../services/last-errors.js";
import type { ManifestsRegistry } from "../services/manifests-registry.js";
import type { Logger } from "../services/deployer.js";
import { ArgocdPoll } from "./argocd-poll.js";
import { NotificationIntake, type RepoInstallationClient } from "./notification-intake.js";

/** Where Argo CD feedback comes from; each field defaults to its environment variable. */
export interface ArgocdSettings {
  /** `ARGOCD_WEBHOOK_SECRET`: the secret(s) of `POST /api/argocd`, comma-separated; unset: the endpoint is off. */
  readonly webhookSecret?: string | undefined;
  /** `ARGOCD_SERVER`: Argo CD's base URL, for the API poll (with a token). */
  readonly server?: string | undefined;
  /** `ARGOCD_TOKEN`: a read-only Argo CD API token. */
  readonly token?: string | undefined;
  /** How long one Argo CD API request may take (default 15 s). */
  readonly timeoutMs?: number | undefined;
  /**
   * `ARGOCD_REPO_FILTER` (default on): ask for the repository's applications only; `off` lists every
   * application the token may read (still one request per repository and pass), for applications whose
   * source URL is written in another form than `https://<github>/<owner>/<name>.git`.
   */
  readonly repoFilter?: boolean | undefined;
}

export function argocdSettings(
  overrides: ArgocdSettings = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ArgocdSettings {
  return {
    webhookSecret: overrides.webhookSecret ?? env["ARGOCD_WEBHOOK_SECRET"],
    server: overrides.server ?? env["ARGOCD_SERVER"],
    token: overrides.token ?? env["ARGOCD_TOKEN"],
    timeoutMs: overrides.timeoutMs,
    repoFilter: overrides.repoFilter ?? env["ARGOCD_REPO_FILTER"] !== "off",
  };
}

/** The app's JWT client (`app.auth()`): asks for a repository's installation, knows GitHub's API URL. */
export type AppClient = RepoInstallationClient & {
  readonly request: { readonly endpoint: { readonly DEFAULTS: { readonly baseUrl?: string } } };
};

export interface ArgocdFeedbackDeps {
  readonly settings: ArgocdSettings;
  readonly appClient: () => Promise<AppClient>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly registry: ManifestsRegistry;
  readonly sink: ObservationSink;
  readonly lastErrors: LastErrors;
  readonly log: Logger;
  readonly now: () => number;
  /** Runs a notification's processing after it is answered, tracked so `Bot.idle()` waits for it. */
  readonly background: (work: Promise<void>) => void;
}

export interface ArgocdFeedback {
  /** Adds `POST /api/argocd` to Probot's server (off, 404, without a secret). */
  register(appOptions: Partial<Pick<ApplicationFunctionOptions, "addHandler">> | undefined): void;
  /** The reconciliation pass's read of Argo CD's API for one repository; undefined without server and token. */
  readonly poll: ((installationId: number, repo: RepoId, config: Config) => Promise<void>) | undefined;
}

/** Argo CD feedback, both ways, wired: the endpoint for Notifications and the API poll. */
export function argocdFeedback(deps: ArgocdFeedbackDeps): ArgocdFeedback {
  let web: Promise<string> | undefined;
  const githubWeb = (): Promise<string> => {
    web ??= deps
      .appClient()
      .then((client) => githubWebOf(client.request.endpoint.DEFAULTS.baseUrl ?? "https://api.github.com"));
    web.catch(() => (web = undefined));
    return web;
  };
  const githubHost = async (): Promise<string> => new URL(await githubWeb()).host;
  const intake = new NotificationIntake({
    appClient: deps.appClient,
    auth: deps.auth,
    registry: deps.registry,
    githubHost,
    sink: deps.sink,
    log: deps.log,
    now: deps.now,
  });
  const { server, token } = deps.settings;
  const poll =
    server && token
      ? new ArgocdPoll({
          client: new ArgocdClient({ server, token, timeoutMs: deps.settings.timeoutMs }),
          githubWeb,
          repoFilter: deps.settings.repoFilter ?? true,
          sink: deps.sink,
          lastErrors: deps.lastErrors,
          log: deps.log,
          now: deps.now,
        })
      : undefined;
  return {
    register: (appOptions) =>
      registerArgocd(appOptions, {
        secrets: webhookSecrets(deps.settings.webhookSecret),
        accept: (observation) => deps.background(intake.accept(observation).then(() => undefined)),
        now: deps.now,
        log: deps.log,
      }),
    poll: poll ? (installationId, repo, config) => poll.repository(installationId, repo, config) : undefined,
  };
}
