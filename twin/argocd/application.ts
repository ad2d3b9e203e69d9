import { randomUUID } from "node:crypto";

export type SyncStatus = "Synced" | "OutOfSync" | "Unknown";
export type HealthStatus = "Healthy" | "Progressing" | "Degraded" | "Missing" | "Unknown" | "Suspended";
export type OperationPhase = "Running" | "Succeeded" | "Failed" | "Error" | "Terminating";

export interface ApplicationSource {
  repoURL: string;
  path: string;
  targetRevision: string;
}

export interface ResourceStatus {
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  status: SyncStatus;
  health?: { status: HealthStatus; message?: string };
}

/** The part of Argo CD's `v1alpha1Application` the twin models, in its JSON shape. */
export interface Application {
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    generation: number;
    creationTimestamp: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: {
    project: string;
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    destination: { server: string; namespace: string };
    syncPolicy: { automated: { prune: boolean; selfHeal: boolean } };
  };
  status: {
    sync: { status: SyncStatus; revision?: string; revisions?: string[]; comparedTo?: unknown };
    health: { status: HealthStatus; message?: string; lastTransitionTime?: string };
    operationState?: {
      operation: { sync: { revision?: string; revisions?: string[] } };
      phase: OperationPhase;
      message?: string;
      startedAt: string;
      finishedAt?: string;
      syncResult?: {
        revision: string;
        revisions?: string[];
        source?: ApplicationSource;
        sources?: ApplicationSource[];
      };
    };
    conditions?: Array<{ type: string; message: string; lastTransitionTime: string }>;
    resources?: ResourceStatus[];
    summary: { images?: string[] };
    reconciledAt?: string;
    sourceType?: string;
    sourceTypes?: string[];
  };
}

/** Where an application's manifests come from: a GitHub twin repository (`owner/name`) and a path in it. */
export interface SourceInput {
  /** The GitHub twin repository, `owner/name`. */
  readonly repo: string;
  readonly path: string;
  /** A branch, tag, SHA or HEAD (default: HEAD, as Argo CD). */
  readonly targetRevision?: string;
  /** The URL Argo CD's spec names (default: `<repoUrlBase>/<repo>`, e.g. https://github.com/acme/manifests). */
  readonly repoURL?: string;
}

export interface CreateApplicationInput {
  readonly name: string;
  /** Default: argocd. */
  readonly namespace?: string;
  /** Default: default. */
  readonly project?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  /** One source (`spec.source`) ... */
  readonly repo?: string;
  readonly path?: string;
  readonly targetRevision?: string;
  readonly repoURL?: string;
  /** ... or several (`spec.sources`). */
  readonly sources?: readonly SourceInput[];
  /** The destination namespace (default: the path's last segment). */
  readonly destinationNamespace?: string;
}

export function sourcesOf(input: CreateApplicationInput): SourceInput[] {
  if (input.sources && input.sources.length > 0) {
    if (input.repo !== undefined || input.path !== undefined)
      throw new Error(`argocd twin: application ${input.name} has both source and sources`);
    return [...input.sources];
  }
  if (input.repo === undefined || input.path === undefined)
    throw new Error(`argocd twin: application ${input.name} needs repo and path, or sources`);
  return [
    {
      repo: input.repo,
      path: input.path,
      ...(input.targetRevision === undefined ? {} : { targetRevision: input.targetRevision }),
      ...(input.repoURL === undefined ? {} : { repoURL: input.repoURL }),
    },
  ];
}

/** A new application as Argo CD shows it before its first reconciliation. */
export function newApplication(
  input: CreateApplicationInput,
  sources: readonly ApplicationSource[],
  timestamp: string,
): Application {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(input.name))
    throw new Error(`argocd twin: "${input.name}" is not a valid Kubernetes object name`);
  const first = sources[0];
  if (!first) throw new Error(`argocd twin: application ${input.name} has no source`);
  const namespace = input.destinationNamespace ?? first.path.split("/").filter(Boolean).pop() ?? "default";
  return {
    metadata: {
      name: input.name,
      namespace: input.namespace ?? "argocd",
      uid: randomUUID(),
      resourceVersion: "1",
      generation: 1,
      creationTimestamp: timestamp,
      ...(input.labels ? { labels: { ...input.labels } } : {}),
      ...(input.annotations ? { annotations: { ...input.annotations } } : {}),
    },
    spec: {
      project: input.project ?? "default",
      ...(input.sources && input.sources.length > 0 ? { sources: [...sources] } : { source: first }),
      destination: { server: "https://kubernetes.default.svc", namespace },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: { status: "Unknown" },
      health: { status: "Missing" },
      summary: {},
    },
  };
}

/** The source Argo CD's `Spec.GetSource()` returns: the first of `sources`, else `source`. */
export function primarySource(app: Application): ApplicationSource | undefined {
  return app.spec.sources?.[0] ?? app.spec.source;
}

/** A deep copy, so an answer or a notification never shares objects with the live state. */
export function snapshot(app: Application): Application {
  return structuredClone(app);
}
