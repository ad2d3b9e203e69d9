import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Application } from "./application.js";
import { parseGoTemplate, type GoTemplate } from "./go-template.js";
import { parseCondition, parsePath, type TriggerCondition } from "./trigger-expr.js";
import { parseGoDuration, sendWebhook, type Attempt, type RetryPolicy } from "./webhook-sender.js";

/** The project's own snippet, read when the twin starts (never a copy). */
export const PROJECT_NOTIFICATIONS_CM = new URL(
  "../../deploy/argocd/argocd-notifications-cm.yaml",
  import.meta.url,
);

const WebhookService = z
  .object({
    url: z.string(),
    headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    basicAuth: z.object({ username: z.string(), password: z.string() }).optional(),
    insecureSkipVerify: z.boolean().optional(),
    retryMax: z.number().int().nonnegative().optional(),
    retryWaitMin: z.string().optional(),
    retryWaitMax: z.string().optional(),
  })
  .strict();

const WebhookTemplate = z
  .object({
    webhook: z.record(
      z.string(),
      z
        .object({
          method: z.enum(["GET", "POST", "PUT", "PATCH"]).optional(),
          path: z.string().optional(),
          body: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();

const Trigger = z.array(
  z.object({ when: z.string(), oncePer: z.string().optional(), send: z.array(z.string()) }).strict(),
);
const Subscriptions = z.array(
  z
    .object({
      recipients: z.array(z.string()),
      triggers: z.array(z.string()),
      selector: z.string().optional(),
    })
    .strict(),
);

interface Service {
  readonly name: string;
  readonly config: z.infer<typeof WebhookService>;
}

interface Condition {
  readonly when: TriggerCondition;
  readonly oncePer?: TriggerCondition | string;
  readonly send: readonly string[];
}

/** A notification sent (or given up on): what went out and what came back, for tests. */
export interface SentNotification {
  readonly application: string;
  readonly trigger: string;
  readonly service: string;
  readonly template: string;
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly attempts: readonly Attempt[];
  readonly ok: boolean;
}

export interface NotificationError {
  readonly application: string;
  readonly trigger: string;
  readonly error: string;
}

export interface NotificationsOptions {
  /** The ConfigMap's YAML (default: the project's deploy/argocd/argocd-notifications-cm.yaml). */
  readonly configMap?: string;
  /** argocd-notifications-secret's keys, substituted for `$key` in services (e.g. `{ "gitops-image-bot-secret": "s3cret" }`). */
  readonly secrets?: Readonly<Record<string, string>>;
  /** Sends every webhook service's requests to this URL instead of the snippet's (the app under test). */
  readonly webhookUrl?: string;
  /** The template's `.context` (default: the ConfigMap's `context`, argocdUrl https://localhost:4000 as Argo CD's). */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Waits between retries, overriding the service's retryWaitMin/retryWaitMax (tests: a few ms). */
  readonly retryWaitMs?: { readonly min: number; readonly max: number };
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * The body one webhook template of the project's snippet renders for `data` (`{ app, context }`, as
 * Argo CD Notifications passes them), with the twin's Go template: for tests that need the exact
 * bytes Argo CD would send without running the whole twin.
 */
export function renderProjectWebhookBody(
  data: Readonly<Record<string, unknown>>,
  template = "gitops-image-bot",
  service = "gitops-image-bot",
): string {
  const cm = z
    .object({ data: z.record(z.string(), z.string()) })
    .parse(parseYaml(readFileSync(PROJECT_NOTIFICATIONS_CM, "utf8")));
  const text = cm.data[`template.${template}`];
  if (text === undefined) throw new Error(`argocd twin: the snippet has no template.${template}`);
  const spec = WebhookTemplate.parse(parseYaml(text)).webhook[service];
  if (!spec) throw new Error(`argocd twin: template.${template} has no webhook for ${service}`);
  return parseGoTemplate(template, spec.body ?? "").execute(data);
}

/** `oncePer`'s value as the notifications engine keys it (`fmt.Sprint`). */
function valueExpression(source: string): (env: Record<string, unknown>) => string {
  const read = parsePath(source);
  return (env) => {
    const value = read(env);
    // Go's fmt.Sprint of nil
    return value === null || value === undefined ? "<nil>" : String(value);
  };
}

/** Argo CD Notifications, for the webhook services, triggers, templates and subscriptions of one ConfigMap. */
export class Notifications {
  readonly sent: SentNotification[] = [];
  readonly errors: NotificationError[] = [];
  readonly warnings: string[] = [];
  readonly #services = new Map<string, Service>();
  readonly #templates = new Map<
    string,
    { webhook: Map<string, { method: string; path?: GoTemplate; body: GoTemplate }> }
  >();
  readonly #triggers = new Map<
    string,
    Array<Condition & { oncePerValue?: (env: Record<string, unknown>) => string }>
  >();
  readonly #subscriptions: Array<{ recipients: string[]; triggers: string[] }> = [];
  readonly #context: Record<string, unknown>;
  /** Argo CD's `notified.notifications.argoproj.io` annotation, per application. */
  readonly #notified = new Map<string, Set<string>>();
  #queue: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(private readonly options: NotificationsOptions = {}) {
    const text = options.configMap ?? readFileSync(PROJECT_NOTIFICATIONS_CM, "utf8");
    const cm = z.object({ data: z.record(z.string(), z.string()) }).parse(parseYaml(text));
    for (const [key, value] of Object.entries(cm.data)) this.#load(key, value, options.secrets ?? {});
    const context =
      cm.data["context"] === undefined ? {} : (parseYaml(cm.data["context"]) as Record<string, unknown>);
    this.#context = { argocdUrl: "https://localhost:4000", ...context, ...options.context };
  }

  #load(key: string, value: string, secrets: Readonly<Record<string, string>>): void {
    const parsed: unknown = parseYaml(value);
    if (key.startsWith("service.webhook.")) {
      const name = key.slice("service.webhook.".length);
      this.#services.set(name, { name, config: WebhookService.parse(this.#substitute(parsed, secrets)) });
    } else if (key.startsWith("template.")) {
      const name = key.slice("template.".length);
      const template = WebhookTemplate.parse(parsed);
      const webhook = new Map(
        Object.entries(template.webhook).map(([service, spec]) => [
          service,
          {
            method: spec.method ?? "GET",
            ...(spec.path === undefined ? {} : { path: parseGoTemplate(name, spec.path) }),
            body: parseGoTemplate(name, spec.body ?? ""),
          },
        ]),
      );
      this.#templates.set(name, { webhook });
    } else if (key.startsWith("trigger.")) {
      const conditions = Trigger.parse(parsed).map((condition) => ({
        when: parseCondition(condition.when),
        send: condition.send,
        ...(condition.oncePer === undefined
          ? {}
          : { oncePer: condition.oncePer, oncePerValue: valueExpression(condition.oncePer) }),
      }));
      this.#triggers.set(key.slice("trigger.".length), conditions);
    } else if (key === "subscriptions") {
      for (const subscription of Subscriptions.parse(parsed)) {
        if (subscription.selector !== undefined)
          throw new Error("argocd twin: subscription selectors are not modelled");
        this.#subscriptions.push({ recipients: subscription.recipients, triggers: subscription.triggers });
      }
    } else if (key !== "context") {
      throw new Error(`argocd twin: the notifications ConfigMap key ${key} is not modelled`);
    }
  }

  /** `$key` in a service's settings is the secret's value (left as is, with a warning, when the secret has no such key). */
  #substitute(value: unknown, secrets: Readonly<Record<string, string>>): unknown {
    if (typeof value === "string")
      return value.replace(/\$[\w\-.]+/g, (token) => {
        const secret = secrets[token.slice(1)];
        if (secret === undefined)
          this.warnings.push(`config referenced '${token}', but key does not exist in secret`);
        return secret ?? token;
      });
    if (Array.isArray(value)) return value.map((item) => this.#substitute(item, secrets));
    if (value && typeof value === "object")
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.#substitute(v, secrets)]));
    return value;
  }

  /** (trigger, service) pairs an application is subscribed to: the ConfigMap's subscriptions and its annotations. */
  #destinations(app: Application): Array<{ trigger: string; service: string; recipient: string }> {
    const out: Array<{ trigger: string; service: string; recipient: string }> = [];
    const recipient = (text: string): { service: string; recipient: string } => {
      const [service = "", ...rest] = text.split(":");
      return { service, recipient: rest.join(":") };
    };
    for (const subscription of this.#subscriptions)
      for (const trigger of subscription.triggers)
        for (const text of subscription.recipients) out.push({ trigger, ...recipient(text) });
    for (const [key, value] of Object.entries(app.metadata.annotations ?? {})) {
      const match = /^notifications\.argoproj\.io\/subscribe\.([^.]+)\.(.+)$/.exec(key);
      if (!match) continue;
      const recipients = value.split(";").map((item) => item.trim());
      for (const item of recipients)
        out.push({ trigger: match[1] ?? "", service: match[2] ?? "", recipient: item });
    }
    return out;
  }

  /** Evaluates the triggers on an application's new state and sends what they call for (in order, in the background). */
  observe(app: Application): void {
    this.#pending += 1;
    this.#queue = this.#queue
      .then(() => this.#evaluate(structuredClone(app)))
      .finally(() => {
        this.#pending -= 1;
      });
  }

  /** Resolves once every observed state has been evaluated and its notifications sent or given up on. */
  async settled(): Promise<void> {
    while (this.#pending > 0) await this.#queue;
  }

  async #evaluate(app: Application): Promise<void> {
    const name = app.metadata.name;
    const notified = this.#notified.get(name) ?? new Set<string>();
    this.#notified.set(name, notified);
    const env = { app: app as unknown as Record<string, unknown> };
    for (const destination of this.#destinations(app)) {
      const conditions = this.#triggers.get(destination.trigger);
      if (!conditions) {
        this.errors.push({
          application: name,
          trigger: destination.trigger,
          error: `trigger '${destination.trigger}' is not configured`,
        });
        continue;
      }
      for (const [index, condition] of conditions.entries()) {
        let triggered: boolean;
        let oncePer = "";
        try {
          triggered = condition.when.evaluate(env);
          // as the engine: evaluated whether or not the condition holds
          if (condition.oncePerValue) oncePer = condition.oncePerValue(env);
        } catch (error) {
          this.errors.push({
            application: name,
            trigger: destination.trigger,
            error: (error as Error).message,
          });
          continue;
        }
        const key = `${oncePer === "" ? "" : `${oncePer}:`}${destination.trigger}:[${index}]:${destination.service}:${destination.recipient}`;
        if (!triggered) {
          // As the notifications engine: a condition that turned false may fire again, unless it is once-per.
          if (condition.oncePer === undefined) notified.delete(key);
          continue;
        }
        if (notified.has(key)) continue;
        notified.add(key);
        const ok = await this.#send(app, destination.trigger, destination.service, condition.send);
        if (!ok) notified.delete(key);
      }
    }
  }

  async #send(
    app: Application,
    trigger: string,
    serviceName: string,
    templates: readonly string[],
  ): Promise<boolean> {
    const service = this.#services.get(serviceName);
    const application = app.metadata.name;
    if (!service) {
      this.errors.push({
        application,
        trigger,
        error: `notification service '${serviceName}' is not configured`,
      });
      return false;
    }
    let ok = true;
    for (const templateName of templates) {
      const spec = this.#templates.get(templateName)?.webhook.get(serviceName);
      if (!spec) {
        // Argo CD would send the template's `message` with GET; the twin models webhook templates only.
        this.errors.push({
          application,
          trigger,
          error: `template '${templateName}' has no webhook for '${serviceName}' (not modelled)`,
        });
        ok = false;
        continue;
      }
      const data = { app, context: this.#context };
      let body: string;
      let path: string;
      try {
        body = spec.body.execute(data);
        path = spec.path?.execute(data) ?? "";
      } catch (error) {
        this.errors.push({ application, trigger, error: (error as Error).message });
        ok = false;
        continue;
      }
      const headers: Record<string, string> = {};
      for (const header of service.config.headers ?? []) headers[header.name] = header.value;
      if (service.config.basicAuth) {
        const { username, password } = service.config.basicAuth;
        headers["Authorization"] = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      }
      const url = `${(this.options.webhookUrl ?? service.config.url).replace(/\/$/, "")}${path === "" ? "" : `/${path.replace(/^\//, "")}`}`;
      const result = await sendWebhook(
        { url, method: spec.method, headers, body },
        this.#policy(service),
        this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      );
      this.sent.push({
        application,
        trigger,
        service: serviceName,
        template: templateName,
        url,
        method: spec.method,
        headers,
        body,
        ...result,
      });
      ok &&= result.ok;
    }
    return ok;
  }

  #policy(service: Service): RetryPolicy {
    const wait = this.options.retryWaitMs;
    return {
      // As NewWebhookService: 0 (unset) means the default, 3.
      retryMax: service.config.retryMax || 3,
      retryWaitMinMs: wait?.min ?? parseGoDuration(service.config.retryWaitMin ?? "1s"),
      retryWaitMaxMs: wait?.max ?? parseGoDuration(service.config.retryWaitMax ?? "5s"),
    };
  }
}
