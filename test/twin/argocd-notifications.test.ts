import { readFileSync } from "node:fs";
import { PROJECT_NOTIFICATIONS_CM, renderProjectWebhookBody } from "../../twin/argocd/notifications.js";
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import {
  overlay,
  SHA_A,
  SHA_B,
  startArgo,
  startReceiver,
  type ArgoFixture,
  type Received,
} from "./argocd-fixture.js";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;

describe("Argo CD twin: notifications from the project's argocd-notifications-cm snippet", () => {
  let f: ArgoFixture;
  let receiver: Receiver;
  const SECRET = "s3cret-value";

  async function start(statuses: number[] = [], configMap?: string): Promise<void> {
    receiver = await startReceiver(statuses);
    f = await startArgo({
      notifications: {
        secrets: { "gitops-image-bot-secret": SECRET },
        webhookUrl: receiver.url,
        context: { argocdUrl: "https://argocd.example.com" },
        retryWaitMs: { min: 1, max: 5 },
        ...(configMap === undefined ? {} : { configMap }),
      },
    });
    f.argocd.createApplication({
      name: "api-dev",
      repo: "acme/manifests",
      path: "apps/api/overlays/dev",
      targetRevision: "main",
      labels: { env: "dev" },
    });
  }
  afterEach(async () => {
    expect(f.argocd.violations).toEqual([]);
    await f.close();
    await receiver.close();
  });

  const bodies = (): Array<Record<string, unknown>> =>
    receiver.received.map((r: Received) => JSON.parse(r.body) as Record<string, unknown>);
  const settle = async (): Promise<void> => {
    await f.argocd.reconcile();
    await f.argocd.notifications!.settled();
  };

  describe("with a receiver that answers 200", () => {
    beforeEach(() => start());

    it("sends the deployed notification for a Healthy sync with the secret header and valid JSON", async () => {
      const first = await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
      for (let i = 0; i < 3; i += 1) await settle(); // more passes send nothing more
      expect(f.argocd.notifications!.errors).toEqual([]);
      expect(receiver.received.map((r) => r.method)).toEqual(["POST"]);
      expect(receiver.received[0]!.headers["x-gitops-image-bot-secret"]).toBe(SECRET);
      expect(receiver.received[0]!.headers["content-type"]).toBe("application/json");
      expect(receiver.received[0]!.url).toBe("/api/argocd");
      const head = first.status.sync.revision;
      expect(bodies()[0]).toEqual({
        application: "api-dev",
        namespace: "argocd",
        project: "default",
        labels: { env: "dev" },
        source: {
          repoURL: "https://github.com/acme/manifests",
          path: "apps/api/overlays/dev",
          targetRevision: "main",
        },
        sources: null,
        revision: head,
        syncStatus: "Synced",
        healthStatus: "Healthy",
        healthMessage: null,
        operationPhase: "Succeeded",
        operationMessage: "successfully synced (all tasks run)",
        operationRevision: head,
        finishedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        healthSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        images: [first.status.summary.images![0]],
        argocdUrl: "https://argocd.example.com",
      });
      // What tests render without the twin running: the same bytes the twin sent.
      const app = await f.argocd.waitFor("api-dev", () => true);
      expect(renderProjectWebhookBody({ app, context: { argocdUrl: "https://argocd.example.com" } })).toBe(
        receiver.received[0]!.body,
      );
      expect(() => renderProjectWebhookBody({ app }, "no-such-template")).toThrow(
        /no template.no-such-template/,
      );
    });

    it("sends the degraded notification with Argo CD's message; a quote or newline stays valid JSON", async () => {
      const message = 'Deployment "api" exceeded its progress deadline\n\tsee "kubectl describe"';
      f.argocd.markBad(`ghcr.io/acme/api:${SHA_B}`, message);
      const head = await f.push([overlay("api", "dev", SHA_B)]);
      await f.argocd.waitFor(
        "api-dev",
        (app) => app.status.sync.revision === head && app.status.health.status === "Degraded",
      );
      await settle();
      const degraded = bodies().filter((body) => body["healthStatus"] === "Degraded");
      expect(degraded).toHaveLength(1);
      expect(degraded[0]).toMatchObject({
        revision: head,
        syncStatus: "Synced",
        healthMessage: message,
        operationPhase: "Succeeded",
        images: [`ghcr.io/acme/api:${SHA_B}`],
      });
      expect(
        f.argocd.notifications!.sent.find((s) => s.trigger === "on-gitops-image-bot-degraded"),
      ).toBeDefined();
    });

    it("sends the sync-failed notification with the kustomize error", async () => {
      await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
      const head = await f.push([
        { path: "apps/api/overlays/dev/kustomization.yaml", content: "resources: [../../missing]\n" },
      ]);
      await f.argocd.waitFor("api-dev", (app) => app.status.operationState?.phase === "Error");
      await settle();
      const failed = bodies().filter((body) => body["operationPhase"] === "Error");
      expect(failed).toHaveLength(1);
      expect(failed[0]).toMatchObject({ revision: head, syncStatus: "Unknown", operationRevision: head });
      expect(failed[0]!["operationMessage"]).toMatch(
        /^ComparisonError: .*kustomize build apps\/api\/overlays\/dev/s,
      );
    });
  });

  it("the project's snippet (oncePer the sync result's revision, as Argo CD's catalog) tells the real deployment, once", async () => {
    expect(readFileSync(PROJECT_NOTIFICATIONS_CM, "utf8")).toContain(
      "oncePer: app.status.operationState?.syncResult?.revision",
    );
    await start([]);
    const first = await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    await settle();
    const head = await f.push([overlay("api", "dev", SHA_A)]);
    await f.argocd.waitFor(
      "api-dev",
      (app) => app.status.sync.revision === head && app.status.health.status === "Healthy",
    );
    for (let i = 0; i < 3; i += 1) await settle();
    expect(bodies().map((body) => [body["revision"], body["syncStatus"], body["operationRevision"]])).toEqual(
      [
        [first.status.sync.revision, "Synced", first.status.sync.revision],
        [head, "Synced", head],
      ],
    );
  });

  it("oncePer app.status.sync.revision (why the snippet does not use it) fires once per revision, early: at OutOfSync, over the old sync", async () => {
    const cm = readFileSync(PROJECT_NOTIFICATIONS_CM, "utf8").replace(
      "oncePer: app.status.operationState?.syncResult?.revision",
      "oncePer: app.status.sync.revision",
    );
    await start([], cm);
    // As real Argo CD: a new commit makes sync.revision the new one while the last operation (Succeeded) and
    // health (Healthy) are the old version's, so the condition holds before the sync; once per revision, the
    // real deployment is then not told.
    const first = await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    await settle();
    const head = await f.push([overlay("api", "dev", SHA_A)]);
    await f.argocd.waitFor(
      "api-dev",
      (app) => app.status.sync.revision === head && app.status.health.status === "Healthy",
    );
    for (let i = 0; i < 3; i += 1) await settle();
    expect(bodies().map((body) => [body["revision"], body["syncStatus"], body["operationRevision"]])).toEqual(
      [
        [first.status.sync.revision, "Synced", first.status.sync.revision],
        [head, "OutOfSync", first.status.sync.revision],
      ],
    );
  });

  it("a template that fails to execute sends nothing and is logged, as Argo CD logs and skips it", async () => {
    const cm = readFileSync(PROJECT_NOTIFICATIONS_CM, "utf8").replace(
      '"namespace": {{toJson .app.metadata.namespace}},',
      '"namespace": {{toJson .app.metadata.namespace.first}},',
    );
    await start([], cm);
    await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    await settle();
    expect(receiver.received).toEqual([]);
    expect(f.argocd.notifications!.errors[0]?.error).toMatch(
      /executing "gitops-image-bot" at <.app.metadata.namespace.first>: can't evaluate field first/,
    );
  });

  it("retries a 5xx answer like Argo CD's webhook service (3 retries), and gives up after them", async () => {
    await start([503, 502]);
    await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    await settle();
    expect(f.argocd.notifications!.sent).toHaveLength(1);
    expect(f.argocd.notifications!.sent[0]!.attempts.map((a) => a.status)).toEqual([503, 502, 200]);
    expect(f.argocd.notifications!.sent[0]!.ok).toBe(true);
    await f.close();
    await receiver.close();
    await start([500, 500, 500, 500]);
    await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    await settle();
    expect(f.argocd.notifications!.sent[0]!.attempts.map((a) => a.status)).toEqual([500, 500, 500, 500]);
    expect(f.argocd.notifications!.sent[0]!.ok).toBe(false);
  });
});
