import type { Octokit, RepoId } from "../adapters/github/octokit.js";
import { repoKey } from "../adapters/github/octokit.js";
import { applicationEnvironments, manifestsCandidates } from "../core/feedback/application-environments.js";
import type { EnvironmentObservation, Observation, ObservationSink } from "../core/feedback/observation.js";
import type { ManifestsRegistry } from "../services/manifests-registry.js";
import type { Logger } from "../services/deployer.js";

/** The part of the app's JWT-authenticated Octokit (`app.auth()`) used here. */
export interface RepoInstallationClient {
  readonly rest: {
    readonly apps: {
      getRepoInstallation(params: { owner: string; repo: string }): Promise<{ data: { id: number } }>;
    };
  };
}

export interface NotificationIntakeDeps {
  readonly appClient: () => Promise<RepoInstallationClient>;
  readonly auth: (installationId: number) => Promise<Octokit>;
  readonly registry: ManifestsRegistry;
  readonly githubHost: () => Promise<string>;
  readonly sink: ObservationSink;
  readonly log: Logger;
  readonly now: () => number;
  /** How long an installation found (or not found) for a repository is kept (default 10 minutes). */
  readonly ttlMs?: number;
}

/** What became of one notification: the environments it was placed in, or why it was ignored. */
export type IntakeResult =
  | { readonly kind: "observed"; readonly observed: readonly EnvironmentObservation[] }
  | { readonly kind: "ignored"; readonly reason: string };

/**
 * The push side of Argo CD feedback, after `POST /api/argocd` has answered: the manifests repository
 * the application's source names (on this GitHub), the app's installation on it (`GET
 * /repos/{owner}/{repo}/installation`, kept for a while), its config from the registry, the environments
 * the application deploys, and the feedback pipeline. An application of a repository the app is not
 * installed on, or of no environment, is logged and ignored.
 */
export class NotificationIntake {
  private readonly installations = new Map<string, { at: number; id: Promise<number | undefined> }>();

  constructor(private readonly deps: NotificationIntakeDeps) {}

  async accept(observation: Observation): Promise<IntakeResult> {
    const where = { application: observation.application, via: observation.via };
    let result: IntakeResult;
    try {
      result = await this.place(observation);
    } catch (error) {
      this.deps.log.error({ ...where, err: error }, "an Argo CD notification could not be placed");
      return { kind: "ignored", reason: `it could not be placed: ${String(error)}` };
    }
    if (result.kind === "ignored")
      this.deps.log.info(where, `Argo CD notification ignored: ${result.reason}`);
    else {
      this.deps.log.info(
        {
          ...where,
          environments: result.observed.map((one) => `${repoKey(one.manifests)}:${one.environment}`),
        },
        "Argo CD notification observed",
      );
      await this.deps.sink(result.observed);
    }
    return result;
  }

  private async place(observation: Observation): Promise<IntakeResult> {
    const githubHost = await this.deps.githubHost();
    const candidates = manifestsCandidates(observation, githubHost);
    if (candidates.length === 0)
      return { kind: "ignored", reason: `no source of the application is a repository on ${githubHost}` };
    const observed: EnvironmentObservation[] = [];
    const notInstalled: string[] = [];
    for (const candidate of candidates) {
      const installationId = await this.installation(candidate);
      if (installationId === undefined) {
        notInstalled.push(repoKey(candidate));
        continue;
      }
      const repos = await this.deps.registry.list(installationId, await this.deps.auth(installationId));
      const repo = repos.find((one) => repoKey(one) === repoKey(candidate));
      if (!repo?.config.ok) continue;
      const manifests = { owner: repo.owner, name: repo.name };
      for (const environment of applicationEnvironments({
        config: repo.config.config,
        manifests,
        githubHost,
        observation,
      }))
        observed.push({ installationId, manifests, environment, observation });
    }
    if (observed.length > 0) return { kind: "observed", observed };
    if (notInstalled.length === candidates.length)
      return { kind: "ignored", reason: `the app is not installed on ${notInstalled.join(", ")}` };
    return {
      kind: "ignored",
      reason: `the application deploys no environment of ${candidates.map(repoKey).join(", ")} (unknown application)`,
    };
  }

  /** The app's installation on a repository, or undefined when it has none (GitHub's 404). */
  private installation(repo: RepoId): Promise<number | undefined> {
    const key = repoKey(repo);
    const cached = this.installations.get(key);
    if (cached && this.deps.now() - cached.at < (this.deps.ttlMs ?? 10 * 60_000)) return cached.id;
    const id = (async () => {
      try {
        const client = await this.deps.appClient();
        const { data } = await client.rest.apps.getRepoInstallation({ owner: repo.owner, repo: repo.name });
        return data.id;
      } catch (error) {
        if ((error as { status?: number }).status === 404) return undefined;
        throw error;
      }
    })();
    this.installations.set(key, { at: this.deps.now(), id });
    id.catch(() => this.installations.delete(key));
    return id;
  }
}
