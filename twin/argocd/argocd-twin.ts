import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import {
  newApplication,
  snapshot,
  sourcesOf,
  type Application,
  type ApplicationSource,
  type CreateApplicationInput,
} from "./application.js";
import { Controller, type Tracked } from "./controller.js";
import { Notifications, type NotificationsOptions } from "./notifications.js";
import { serveApi, type ApiAnswer } from "./serve-api.js";

export interface ArgoCdTwinOptions {
  /** The bare git directory of a GitHub twin repository (`owner/name`), or undefined when there is none. */
  readonly gitDir: (repo: string) => string | undefined;
  /** How the spec names a repository (default: https://github.com, so `https://github.com/acme/manifests`). */
  readonly repoUrlBase?: string;
  /** The bearer token the API accepts (default: a random one, read it from `token`). */
  readonly token?: string;
  /** From OutOfSync to the sync (default 200 ms). */
  readonly syncDelayMs?: number;
  /** From the sync (Progressing) to Healthy or Degraded (default 200 ms). */
  readonly healthDelayMs?: number;
  /** How often the controller looks at the branches (default 100 ms); 0: only when `reconcile()` is called. */
  readonly pollMs?: number;
  /** Added to every API request before it is answered (the benchmarks: 100 ms). */
  readonly requestDelayMs?: number;
  /** Argo CD v3 leaves `status.health.message` of the application empty; default true (set it). */
  readonly healthMessageOnApplication?: boolean;
  /** Argo CD Notifications (default: none sent). */
  readonly notifications?: NotificationsOptions;
  readonly now?: () => Date;
}

/**
 * A local Argo CD: applications that follow a GitHub twin's repositories, an application controller that
 * syncs them after a delay and assesses their health from the images they run, the REST API's
 * applications routes (validated against Argo CD's swagger), and Argo CD Notifications' webhooks.
 */
export class ArgoCdTwin {
  readonly token: string;
  readonly violations: string[] = [];
  readonly notifications: Notifications | undefined;
  /** API requests answered, by `METHOD /template` (and `total`). */
  readonly requests = { total: 0, byRoute: new Map<string, number>() };
  requestDelayMs: number;
  readonly #apps = new Map<string, Tracked>();
  readonly #badImages = new Map<string, string | undefined>();
  readonly #controller: Controller;
  readonly #now: () => Date;
  #server: Server | undefined;
  #url = "";
  #timer: NodeJS.Timeout | undefined;
  #pass: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(private readonly options: ArgoCdTwinOptions) {
    this.token = options.token ?? randomBytes(24).toString("hex");
    this.requestDelayMs = options.requestDelayMs ?? 0;
    this.#now = options.now ?? (() => new Date());
    this.notifications = options.notifications ? new Notifications(options.notifications) : undefined;
    this.#controller = new Controller({
      syncDelayMs: options.syncDelayMs ?? 200,
      healthDelayMs: options.healthDelayMs ?? 200,
      now: this.#now,
      healthMessageOnApplication: options.healthMessageOnApplication ?? true,
      badImages: this.#badImages,
      changed: (app) => {
        this.notifications?.observe(app);
      },
    });
  }

  get url(): string {
    return this.#url;
  }

  /** Adds an application (in namespace argocd, project default, automated sync) that the controller follows. */
  createApplication(input: CreateApplicationInput): Application {
    if (this.#apps.has(input.name))
      throw new Error(`argocd twin: applications.argoproj.io "${input.name}" already exists`);
    const base = (this.options.repoUrlBase ?? "https://github.com").replace(/\/$/, "");
    const sources = sourcesOf(input).map((source) => {
      const gitDir = this.options.gitDir(source.repo);
      if (!gitDir) throw new Error(`argocd twin: no GitHub twin repository ${source.repo}`);
      const spec: ApplicationSource = {
        repoURL: source.repoURL ?? `${base}/${source.repo}`,
        path: source.path,
        targetRevision: source.targetRevision ?? "HEAD",
      };
      return { gitDir, source: spec };
    });
    const app = newApplication(
      input,
      sources.map((source) => source.source),
      this.#stamp(),
    );
    this.#apps.set(input.name, { app, sources, running: [], step: null });
    return snapshot(app);
  }

  /** An application as the API would answer it, or undefined. */
  application(name: string): Application | undefined {
    const tracked = this.#apps.get(name);
    return tracked ? snapshot(tracked.app) : undefined;
  }

  applications(): Application[] {
    return [...this.#apps.values()].map((tracked) => snapshot(tracked.app));
  }

  /** Marks an image (`ghcr.io/acme/api:sha-abc1234`) as one whose pods never become ready: the apps running it go Degraded. */
  markBad(image: string, message?: string): void {
    this.#badImages.set(image, message);
  }

  unmarkBad(image: string): void {
    this.#badImages.delete(image);
  }

  /** Starts the API server and the controller's polling; resolves with the base URL (http://127.0.0.1:<port>). */
  async listen(port = 0, host = "127.0.0.1"): Promise<string> {
    const server = createServer((request, response) => void this.#handle(request, response));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve());
    });
    this.#url = `http://${host}:${(server.address() as AddressInfo).port}`;
    this.#schedule();
    return this.#url;
  }

  #schedule(): void {
    const pollMs = this.options.pollMs ?? 100;
    if (pollMs <= 0 || this.#closed) return;
    this.#timer = setTimeout(() => {
      void this.reconcile().finally(() => this.#schedule());
    }, pollMs);
  }

  /** One pass of the controller over every application (passes never overlap). */
  reconcile(): Promise<void> {
    const pass = this.#pass.then(() =>
      this.#closed ? undefined : this.#controller.reconcile([...this.#apps.values()]),
    );
    this.#pass = pass.catch((error: unknown) => {
      this.violations.push(`argocd twin: reconciliation failed: ${(error as Error).stack ?? String(error)}`);
    });
    return this.#pass;
  }

  /**
   * Reconciles until `predicate` holds for the application (or throws after `timeoutMs`, a hang guard:
   * tests pass the io budget). The answer is the application at that moment.
   */
  async waitFor(
    name: string,
    predicate: (app: Application) => boolean,
    timeoutMs = 60_000,
  ): Promise<Application> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const app = this.application(name);
      if (app && predicate(app)) return app;
      if (Date.now() > deadline)
        throw new Error(
          `argocd twin: ${name} did not reach the state in ${timeoutMs} ms; it is ${JSON.stringify(app?.status)}`,
        );
      await this.reconcile();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#pass;
    await this.notifications?.settled();
    const server = this.#server;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.#controller.close();
  }

  #stamp(): string {
    return this.#now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: ApiAnswer;
    try {
      request.resume();
      const url = new URL(request.url ?? "/", this.#url);
      answer = serveApi(
        {
          token: this.token,
          apps: () => [...this.#apps.values()].map((tracked) => tracked.app),
          violation: (text) => this.violations.push(text),
        },
        request.method ?? "GET",
        url.pathname,
        url.searchParams,
        request.headers.authorization,
      );
      this.requests.total += 1;
      this.requests.byRoute.set(answer.route, (this.requests.byRoute.get(answer.route) ?? 0) + 1);
      if (this.requestDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.requestDelayMs));
    } catch (error) {
      this.violations.push(
        `argocd twin crashed on ${request.method} ${request.url}: ${(error as Error).stack ?? String(error)}`,
      );
      answer = {
        route: "crash",
        status: 500,
        body: { error: "internal error", code: 13, message: "internal error" },
      };
    }
    response.writeHead(answer.status, { "content-type": "application/json" });
    response.end(JSON.stringify(answer.body));
  }
}
