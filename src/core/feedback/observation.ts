/** A repository on GitHub, by owner and name (the same shape as the adapters' `RepoId`). */
export interface ManifestsRepoId {
  readonly owner: string;
  readonly name: string;
}

/** One of an application's sources, as Argo CD describes it (`spec.source` or an entry of `spec.sources`). */
export interface ApplicationSource {
  readonly repoURL: string;
  readonly path: string | undefined;
  readonly targetRevision: string | undefined;
}

/**
 * What Argo CD says about one application at one moment, whether it pushed it (Argo CD Notifications,
 * `POST /api/argocd`) or the app pulled it (`GET /api/v1/applications`): one model for both.
 */
export interface Observation {
  readonly application: string;
  readonly namespace: string | undefined;
  readonly project: string | undefined;
  readonly labels: Readonly<Record<string, string>>;
  readonly sources: readonly ApplicationSource[];
  /** The manifests commit the application is synced to (`status.sync.revision`). */
  readonly revision: string | undefined;
  /** `Synced`, `OutOfSync`, `Unknown`. */
  readonly syncStatus: string;
  /** `Healthy`, `Progressing`, `Degraded`, `Suspended`, `Missing`, `Unknown`. */
  readonly healthStatus: string;
  readonly healthMessage: string | undefined;
  /** The last sync operation: `Running`, `Succeeded`, `Failed`, `Error`, `Terminating`. */
  readonly operationPhase: string | undefined;
  readonly operationMessage: string | undefined;
  /** The images the application runs (`status.summary.images`), when Argo CD says. */
  readonly images: readonly string[] | undefined;
  /** When it was observed (ms since the epoch): the operation's end when known, else receipt. */
  readonly observedAt: number;
  /** The application in Argo CD's UI, for people (`<argocdUrl>/applications/<namespace>/<name>`). */
  readonly url: string | undefined;
  readonly via: "notification" | "api";
}

/** An observation placed: the manifests repository and the environment the application deploys. */
export interface EnvironmentObservation {
  readonly installationId: number;
  readonly manifests: ManifestsRepoId;
  readonly environment: string;
  readonly observation: Observation;
}

/** Where observations go: the feedback pipeline (deployments, statuses, gates, holds). */
export type ObservationSink = (observed: readonly EnvironmentObservation[]) => Promise<void>;
