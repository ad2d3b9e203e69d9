import type { Application, ApplicationSource, HealthStatus, ResourceStatus } from "./application.js";
import {
  changedFiles,
  checkout,
  removeCheckout,
  renderPath,
  resolveRevision,
  touches,
  type RenderResult,
  type Workload,
} from "./render.js";

/** An application the controller keeps, with what it needs beside Argo CD's JSON. */
export interface Tracked {
  readonly app: Application;
  readonly sources: ReadonlyArray<{ readonly gitDir: string; readonly source: ApplicationSource }>;
  /** The revisions (one per source) last compared, joined by commas. */
  compared?: string;
  /** What the last sync deployed: its revisions, manifests and the directories they came from. */
  deployed?: { revisions: string[]; manifests: string[]; inputs: Array<readonly string[] | null> };
  /** Rendered at `compared`, waiting for the sync. */
  pending?: { revisions: string[]; renders: Array<Extract<RenderResult, { ok: true }>> };
  /** Workloads running since the last successful sync. */
  running: Workload[];
  step: { kind: "sync" | "fail" | "health"; due: number; message?: string } | null;
}

export interface ControllerOptions {
  readonly syncDelayMs: number;
  readonly healthDelayMs: number;
  readonly now: () => Date;
  /** Argo CD v3 leaves the application's `status.health.message` empty (the message is the resource's); default: set it. */
  readonly healthMessageOnApplication: boolean;
  /** Called after every change of an application's state (notifications, counters). */
  readonly changed: (app: Application) => void;
  readonly badImages: ReadonlyMap<string, string | undefined>;
}

function stamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Argo CD's Deployment health message for a rollout that never became available. */
export function progressDeadlineMessage(workload: Workload): string {
  return `${workload.kind} "${workload.name}" exceeded its progress deadline`;
}

/** The application controller: compares each application's target revision with what it deployed, syncs, assesses health. */
export class Controller {
  readonly #checkouts = new Map<string, Promise<string>>();
  #used = new Set<string>();

  constructor(private readonly options: ControllerOptions) {}

  async #checkout(gitDir: string, revision: string): Promise<string> {
    const key = `${gitDir}@${revision}`;
    this.#used.add(key);
    let dir = this.#checkouts.get(key);
    if (!dir) {
      dir = checkout(gitDir, revision);
      this.#checkouts.set(key, dir);
      dir.catch(() => this.#checkouts.delete(key));
    }
    return dir;
  }

  /** One reconciliation of every application (resolved refs and diffs are shared within the pass). */
  async reconcile(apps: readonly Tracked[]): Promise<void> {
    this.#used = new Set();
    const heads = new Map<string, Promise<string | null>>();
    const diffs = new Map<string, Promise<string[]>>();
    for (const tracked of apps) {
      const revisions = await Promise.all(
        tracked.sources.map(({ gitDir, source }) => {
          const key = `${gitDir}#${source.targetRevision}`;
          if (!heads.has(key)) heads.set(key, resolveRevision(gitDir, source.targetRevision));
          return heads.get(key)!;
        }),
      );
      const compared = tracked.compared;
      try {
        await this.#compare(tracked, revisions, (gitDir, from, to) => {
          const key = `${gitDir}#${from}..${to}`;
          if (!diffs.has(key)) diffs.set(key, changedFiles(gitDir, from, to));
          return diffs.get(key)!;
        });
      } catch (error) {
        // compared again on the next pass
        if (compared === undefined) delete tracked.compared;
        else tracked.compared = compared;
        throw error;
      }
      await this.#advance(tracked);
    }
    for (const [key, dir] of this.#checkouts) {
      if (this.#used.has(key)) continue;
      this.#checkouts.delete(key);
      void dir.then(removeCheckout, () => undefined);
    }
  }

  async close(): Promise<void> {
    const dirs = [...this.#checkouts.values()];
    this.#checkouts.clear();
    for (const dir of dirs) await dir.then(removeCheckout, () => undefined);
  }

  #touch(tracked: Tracked): void {
    const app = tracked.app;
    app.metadata.resourceVersion = String(Number(app.metadata.resourceVersion) + 1);
    app.status.reconciledAt = stamp(this.options.now());
    this.options.changed(app);
  }

  #setSync(tracked: Tracked, status: "Synced" | "OutOfSync" | "Unknown", revisions: string[]): void {
    const app = tracked.app;
    const multi = app.spec.sources !== undefined;
    app.status.sync = {
      status,
      ...(multi ? { revisions } : { revision: revisions[0] ?? "" }),
      comparedTo: {
        ...(multi ? { sources: app.spec.sources } : { source: app.spec.source }),
        destination: app.spec.destination,
      },
    };
  }

  async #compare(
    tracked: Tracked,
    revisions: ReadonlyArray<string | null>,
    diff: (gitDir: string, from: string, to: string) => Promise<string[]>,
  ): Promise<void> {
    const now = this.options.now();
    const app = tracked.app;
    const missing = revisions.findIndex((revision) => revision === null);
    if (missing >= 0) {
      const source = tracked.sources[missing]!.source;
      const message = `Failed to load target state: failed to generate manifest for source ${missing + 1} of ${tracked.sources.length}: rpc error: code = Unknown desc = Unable to resolve '${source.targetRevision}' to a commit SHA`;
      if (app.status.conditions?.[0]?.message === message) return;
      app.status.conditions = [{ type: "ComparisonError", message, lastTransitionTime: stamp(now) }];
      app.status.sync = { status: "Unknown" };
      this.#touch(tracked);
      return;
    }
    const resolved = revisions as string[];
    const key = resolved.join(",");
    if (key === tracked.compared) return;
    tracked.compared = key;
    const deployed = tracked.deployed;
    if (deployed) {
      // Nothing under the paths it renders changed: Argo CD compares, finds it Synced at the new revision, runs no sync.
      const changes = await Promise.all(
        tracked.sources.map(async ({ gitDir }, index) =>
          touches(
            await diff(gitDir, deployed.revisions[index]!, resolved[index]!),
            deployed.inputs[index] ?? null,
          ),
        ),
      );
      if (!changes.some(Boolean) && tracked.step?.kind !== "sync" && tracked.step?.kind !== "fail") {
        deployed.revisions = resolved;
        delete app.status.conditions;
        this.#setSync(tracked, "Synced", resolved);
        this.#touch(tracked);
        return;
      }
    }
    const renders: RenderResult[] = [];
    for (const [index, { gitDir, source }] of tracked.sources.entries()) {
      const dir = await this.#checkout(gitDir, resolved[index]!);
      renders.push(await renderPath(dir, source.path));
    }
    const failed = renders.find((render): render is Extract<RenderResult, { ok: false }> => !render.ok);
    if (failed) {
      app.status.conditions = [
        { type: "ComparisonError", message: failed.message, lastTransitionTime: stamp(now) },
      ];
      this.#setSync(tracked, "Unknown", resolved);
      delete tracked.pending;
      tracked.step = { kind: "fail", due: now.getTime() + this.options.syncDelayMs, message: failed.message };
      this.#touch(tracked);
      return;
    }
    const ok = renders as Array<Extract<RenderResult, { ok: true }>>;
    delete app.status.conditions;
    app.status.sourceType = ok[0]?.sourceType ?? "Directory";
    if (deployed && ok.every((render, index) => render.manifests === deployed.manifests[index])) {
      deployed.revisions = resolved;
      deployed.inputs = ok.map((render) => render.inputs);
      tracked.step = tracked.step?.kind === "health" ? tracked.step : null;
      this.#setSync(tracked, "Synced", resolved);
      this.#touch(tracked);
      return;
    }
    tracked.pending = { revisions: resolved, renders: ok };
    this.#setSync(tracked, "OutOfSync", resolved);
    tracked.step = { kind: "sync", due: now.getTime() + this.options.syncDelayMs };
    this.#touch(tracked);
  }

  #operation(
    tracked: Tracked,
    revisions: string[],
    startedAt: string,
  ): NonNullable<Application["status"]["operationState"]> {
    const multi = tracked.app.spec.sources !== undefined;
    return {
      operation: { sync: multi ? { revisions } : { revision: revisions[0] ?? "" } },
      phase: "Running",
      message: "one or more tasks are running",
      startedAt,
    };
  }

  async #advance(tracked: Tracked): Promise<void> {
    const now = this.options.now();
    const step = tracked.step;
    if (step && now.getTime() >= step.due) {
      if (step.kind === "sync" && tracked.pending) this.#sync(tracked, tracked.pending, now);
      else if (step.kind === "fail") this.#fail(tracked, step.message ?? "", now);
      else if (step.kind === "health") {
        tracked.step = null;
        this.#assessHealth(tracked, true);
      }
      return;
    }
    if (!tracked.step && tracked.app.status.operationState?.phase === "Succeeded")
      this.#assessHealth(tracked, false);
  }

  #sync(tracked: Tracked, pending: NonNullable<Tracked["pending"]>, now: Date): void {
    const app = tracked.app;
    const startedAt = stamp(now);
    const revisions = pending.revisions;
    app.status.operationState = this.#operation(tracked, revisions, startedAt);
    this.#touch(tracked);
    const multi = app.spec.sources !== undefined;
    app.status.operationState = {
      ...this.#operation(tracked, revisions, startedAt),
      phase: "Succeeded",
      message: "successfully synced (all tasks run)",
      finishedAt: stamp(this.options.now()),
      syncResult: multi
        ? { revision: revisions[0] ?? "", revisions, sources: app.spec.sources ?? [] }
        : { revision: revisions[0] ?? "", ...(app.spec.source ? { source: app.spec.source } : {}) },
    };
    this.#setSync(tracked, "Synced", revisions);
    tracked.running = pending.renders.flatMap((render) => render.workloads);
    tracked.deployed = {
      revisions,
      manifests: pending.renders.map((render) => render.manifests),
      inputs: pending.renders.map((render) => render.inputs),
    };
    delete tracked.pending;
    const images = [...new Set(tracked.running.flatMap((workload) => workload.images))].sort();
    app.status.summary = images.length > 0 ? { images } : {};
    this.#setHealth(tracked, "Progressing", undefined, "Progressing");
    tracked.step = { kind: "health", due: now.getTime() + this.options.healthDelayMs };
    this.#touch(tracked);
  }

  #fail(tracked: Tracked, message: string, now: Date): void {
    const app = tracked.app;
    const revisions = (tracked.compared ?? "").split(",");
    const startedAt = stamp(now);
    app.status.operationState = this.#operation(tracked, revisions, startedAt);
    this.#touch(tracked);
    app.status.operationState = {
      ...this.#operation(tracked, revisions, startedAt),
      phase: "Error",
      message: `ComparisonError: ${message}`,
      finishedAt: stamp(this.options.now()),
      syncResult: { revision: revisions[0] ?? "" },
    };
    tracked.step = null;
    this.#touch(tracked);
  }

  /** Healthy, or Degraded when a running image is marked bad; `force` writes it even when unchanged. */
  #assessHealth(tracked: Tracked, force: boolean): void {
    const bad = tracked.running.find((workload) =>
      workload.images.some((image) => this.options.badImages.has(image)),
    );
    const status: HealthStatus = bad ? "Degraded" : "Healthy";
    const custom = bad?.images
      .map((image) => this.options.badImages.get(image))
      .find((message) => message !== undefined);
    const message = bad ? (custom ?? progressDeadlineMessage(bad)) : undefined;
    const health = tracked.app.status.health;
    if (
      !force &&
      health.status === status &&
      (health.message ?? undefined) === (this.options.healthMessageOnApplication ? message : undefined)
    )
      return;
    this.#setHealth(tracked, status, message, undefined, bad);
    this.#touch(tracked);
  }

  #setHealth(
    tracked: Tracked,
    status: HealthStatus,
    message: string | undefined,
    all?: HealthStatus,
    bad?: Workload,
  ): void {
    const app = tracked.app;
    const previous = app.status.health;
    const transition = previous.status === status ? previous.lastTransitionTime : stamp(this.options.now());
    app.status.health = {
      status,
      ...(message !== undefined && this.options.healthMessageOnApplication ? { message } : {}),
      ...(transition ? { lastTransitionTime: transition } : {}),
    };
    app.status.resources = tracked.running.map((workload): ResourceStatus => {
      const own: HealthStatus = all ?? (workload === bad ? "Degraded" : "Healthy");
      return {
        group: workload.group,
        version: workload.version,
        kind: workload.kind,
        namespace: workload.namespace ?? app.spec.destination.namespace,
        name: workload.name,
        status: "Synced",
        health: {
          status: own,
          ...(own === "Degraded" && message !== undefined ? { message } : {}),
          ...(own === "Progressing"
            ? { message: `Waiting for rollout to finish: 0 of 1 updated replicas are available...` }
            : {}),
        },
      };
    });
  }
}
