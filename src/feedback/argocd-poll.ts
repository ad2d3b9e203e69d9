import type { Config } from "../config/config.js";
import type { RepoId } from "../adapters/github/octokit.js";
import type { ArgocdClient } from "../adapters/argocd/argocd-client.js";
import { applicationEnvironments } from "../core/feedback/application-environments.js";
import { fromApplication } from "../core/feedback/from-application.js";
import type { EnvironmentObservation, ObservationSink } from "../core/feedback/observation.js";
import { repoCloneUrl } from "../core/feedback/repo-url.js";
import type { LastErrors } from "../services/last-errors.js";
import type { Logger } from "../services/deployer.js";

/** How a failed read starts in `LastErrors`: a later read that works clears only such a message. */
export const ARGOCD_ERROR_PREFIX = "Argo CD at ";

export interface ArgocdPollDeps {
  readonly client: ArgocdClient;
  /** The web origin of the GitHub the app talks to (see `githubWebOf`). */
  readonly githubWeb: () => Promise<string>;
  /** Ask Argo CD only for the repository's applications (`?repo=`); false: every application, placed here. */
  readonly repoFilter: boolean;
  readonly sink: ObservationSink;
  readonly lastErrors: LastErrors;
  readonly log: Logger;
  readonly now: () => number;
}

/**
 * The pull side of Argo CD feedback, run by the reconciliation pass for each manifests repository: one
 * `GET /api/v1/applications?repo=` for the repository, each application placed in the config's
 * environments and handed to the feedback pipeline. When Argo CD cannot be read, the repository's last
 * error says so (the dashboard shows it) and nothing else happens: no observation, so nothing is
 * marked as running.
 */
export class ArgocdPoll {
  constructor(private readonly deps: ArgocdPollDeps) {}

  async repository(installationId: number, repo: RepoId, config: Config): Promise<void> {
    const { client, lastErrors, log } = this.deps;
    const githubWeb = await this.deps.githubWeb();
    const githubHost = new URL(githubWeb).host;
    const polledAt = this.deps.now();
    const read = await client.listApplications(
      this.deps.repoFilter ? repoCloneUrl(repo, githubWeb) : undefined,
    );
    const where = { repo: `${repo.owner}/${repo.name}`, server: client.server };
    if (!read.ok) {
      log.warn(where, `Argo CD could not be read: ${read.reason}`);
      lastErrors.set(repo, `${ARGOCD_ERROR_PREFIX}${client.server} could not be read: ${read.reason}`);
      return;
    }
    if ((await lastErrors.get(repo))?.message.startsWith(ARGOCD_ERROR_PREFIX)) lastErrors.clear(repo);
    const observed: EnvironmentObservation[] = [];
    for (const item of read.items) {
      const parsed = fromApplication(item, polledAt, client.server);
      if (!parsed.ok) {
        log.warn(where, `an application Argo CD listed was ignored: ${parsed.reason}`);
        continue;
      }
      const observation = parsed.observation;
      const environments = applicationEnvironments({ config, manifests: repo, githubHost, observation });
      if (environments.length === 0)
        log.debug({ ...where, application: observation.application }, "an application in no environment");
      for (const environment of environments)
        observed.push({
          installationId,
          manifests: { owner: repo.owner, name: repo.name },
          environment,
          observation,
        });
    }
    log.debug({ ...where, applications: read.items.length, observed: observed.length }, "Argo CD read");
    await this.deps.sink(observed);
  }
}
