import type { Caller } from "./auth.js";
import { Counters, Faults } from "./faults.js";
import type { Urls } from "./rest/shapes.js";
import type { AppRecord, RepoRecord } from "./state.js";
import { TwinStore } from "./store.js";
import { WebhookSender, type Delivery } from "./webhooks.js";

/** The twin without its HTTP server: state, faults, counters, recorded violations and outgoing webhooks. */
export class TwinCore {
  readonly faults = new Faults();
  readonly counters = new Counters();
  readonly webhooks = new WebhookSender();
  /** Requests that GitHub's published descriptions reject, or routes the twin does not serve. */
  readonly violations: string[] = [];
  urls: Urls = { api: "http://127.0.0.1/api/v3", web: "http://127.0.0.1" };

  constructor(
    readonly store: TwinStore,
    readonly validate: boolean,
  ) {}

  /** Called for each violation as it is recorded (the standalone twin prints them). */
  onViolation: ((message: string) => void) | undefined;

  violation(message: string): void {
    this.violations.push(message);
    this.onViolation?.(message);
  }

  canSee(caller: Caller, repo: RepoRecord): boolean {
    if (caller.kind === "installation") return this.store.installationCovers(caller.installation, repo);
    return caller.kind === "anonymous" ? !repo.private : false;
  }

  /** Whether any installed app would receive `event` for this repository (payloads are built only then). */
  hasSubscribers(repo: RepoRecord, event: string): boolean {
    for (const installation of this.store.installations.values()) {
      if (!this.store.installationCovers(installation, repo)) continue;
      const app = this.store.apps.get(installation.appId);
      if (app?.webhookUrl && app.webhookSecret && subscribed(app, event)) return true;
    }
    return false;
  }

  /** Sends a twin-caused event to every app installed on the repository that subscribed to it. */
  emit(repo: RepoRecord, event: string, payload: Record<string, unknown>): void {
    void this.deliverToInstalled(repo, event, payload);
  }

  /** As `emit`, resolving with each app's delivery once every one was answered. */
  deliverToInstalled(
    repo: RepoRecord,
    event: string,
    payload: Record<string, unknown>,
  ): Promise<Array<{ app: AppRecord; delivery: Delivery }>> {
    const sent: Array<Promise<{ app: AppRecord; delivery: Delivery }>> = [];
    for (const installation of this.store.installations.values()) {
      if (!this.store.installationCovers(installation, repo)) continue;
      const app = this.store.apps.get(installation.appId);
      if (!app?.webhookUrl || !app.webhookSecret || !subscribed(app, event)) continue;
      const delivery = this.deliver(app, event, {
        ...payload,
        installation: { id: installation.id, node_id: `I_${installation.id}` },
      });
      sent.push(delivery.then((answered) => ({ app, delivery: answered })));
    }
    return Promise.all(sent);
  }

  /** Delivers one event to an app's webhook URL, signed with its secret. */
  deliver(
    app: AppRecord,
    event: string,
    payload: Record<string, unknown>,
    deliveryId?: string,
  ): Promise<Delivery> {
    if (!app.webhookUrl || !app.webhookSecret) {
      return Promise.reject(new Error(`twin: app ${app.slug} has no webhook URL and secret`));
    }
    return this.webhooks.send({
      url: app.webhookUrl,
      secret: app.webhookSecret,
      event,
      payload,
      ...(deliveryId ? { deliveryId } : {}),
    });
  }
}

function subscribed(app: AppRecord, event: string): boolean {
  return app.events.length === 0 || app.events.includes(event) || app.events.includes("*");
}
