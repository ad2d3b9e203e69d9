import { readFileSync } from "node:fs";
import { parseNotification } from "../../src/core/feedback/parse-notification.js";
import { applicationItems, fromApplication } from "../../src/core/feedback/from-application.js";
import { renderProjectWebhookBody } from "../../twin/argocd/notifications.js";

const RECEIVED = Date.parse("2025-03-02T15:00:00Z");
const list = JSON.parse(
  readFileSync(new URL("../fixtures/argocd/application-list.json", import.meta.url), "utf8"),
) as { items: Record<string, unknown>[] };
const [webDev, webProd, payments] = list.items;

function body(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    application: "web-dev",
    namespace: "argocd",
    project: "default",
    labels: { team: "web" },
    source: {
      repoURL: "https://github.com/acme/manifests.git",
      path: "apps/web/overlays/dev",
      targetRevision: "main",
    },
    sources: null,
    revision: "a".repeat(40),
    syncStatus: "Synced",
    healthStatus: "Healthy",
    healthMessage: null,
    operationPhase: "Succeeded",
    operationMessage: "successfully synced (all tasks run)",
    operationRevision: "a".repeat(40),
    finishedAt: "2025-03-02T14:05:12Z",
    images: ["ghcr.io/acme/web:" + "a".repeat(40)],
    argocdUrl: "https://argocd.example.com",
    ...fields,
  };
}

/** web-dev as both readings see it (the operation's end is the time, whenever it is read). */
const WEB_DEV = {
  application: "web-dev",
  namespace: "argocd",
  project: "default",
  labels: { team: "web", env: "dev" },
  sources: [
    {
      repoURL: "https://github.com/acme/manifests.git",
      path: "apps/web/overlays/dev",
      targetRevision: "main",
    },
  ],
  revision: "3f2a9c1d7e6b5a4f3e2d1c0b9a8f7e6d5c4b3a29",
  syncStatus: "Synced",
  healthStatus: "Healthy",
  healthMessage: undefined,
  operationPhase: "Succeeded",
  operationMessage: "successfully synced (all tasks run)",
  images: ["ghcr.io/acme/web:3f2a9c1d7e6b5a4f3e2d1c0b9a8f7e6d5c4b3a29"],
  // When the application became Healthy (its health's lastTransitionTime), not when the sync ended (14:05:12).
  observedAt: Date.parse("2025-03-02T14:05:31Z"),
  url: "https://argocd.example.com/applications/argocd/web-dev",
};

describe("an Argo CD Notifications body", () => {
  test("the shipped template, rendered for a real application, is what the endpoint accepts", () => {
    const rendered = renderProjectWebhookBody({
      app: webDev,
      context: { argocdUrl: "https://argocd.example.com/" },
    });
    const parsed = parseNotification(JSON.parse(rendered), RECEIVED);
    expect(parsed).toEqual({ ok: true, observation: { ...WEB_DEV, via: "notification" } });
  });

  test("the shipped template for an application never synced, with several sources, is accepted too", () => {
    const rendered = renderProjectWebhookBody({ app: payments, context: {} });
    const parsed = parseNotification(JSON.parse(rendered), RECEIVED);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(parsed.observation.sources.map((source) => source.repoURL)).toEqual([
      "https://charts.example.com",
      "https://github.com/acme/manifests.git",
    ]);
    expect(parsed.observation.operationPhase).toBeUndefined();
    expect(parsed.observation.observedAt).toBe(RECEIVED);
    expect(parsed.observation.url).toBeUndefined();
  });

  test.each([
    ["null everywhere but the name", Object.fromEntries(Object.keys(body()).map((key) => [key, null]))],
    [
      "Go's <no value> everywhere but the name",
      Object.fromEntries(Object.keys(body()).map((key) => [key, "<no value>"])),
    ],
  ])("%s reads as absent", (_name, fields) => {
    const parsed = parseNotification({ ...fields, application: "web-dev" }, RECEIVED);
    expect(parsed).toEqual({
      ok: true,
      observation: expect.objectContaining({
        application: "web-dev",
        sources: [],
        labels: {},
        revision: undefined,
        syncStatus: "Unknown",
        healthStatus: "Unknown",
        images: undefined,
        observedAt: RECEIVED,
        url: undefined,
      }),
    });
  });

  test.each([
    ["a health time that is not a date", { healthSince: "yesterday" }, { observedAt: RECEIVED }],
    [
      "a sync that failed: when the operation finished",
      { operationPhase: "Failed", finishedAt: "2025-03-02T14:05:12Z" },
      { observedAt: Date.parse("2025-03-02T14:05:12Z") },
    ],
    [
      "a health state without its time: when the app received it, not the sync's end",
      { healthSince: null, finishedAt: "2025-03-02T14:05:12Z" },
      { observedAt: RECEIVED },
    ],
    [
      "spec.sources over spec.source",
      { sources: [{ repoURL: "git@github.com:acme/manifests.git", path: "x" }] },
      {
        sources: [{ repoURL: "git@github.com:acme/manifests.git", path: "x", targetRevision: undefined }],
      },
    ],
    ["a revision only in the sync result", { revision: null }, { revision: "a".repeat(40) }],
    ["fields the template may add later", { destination: { server: "x" } }, { application: "web-dev" }],
    ["a label without a value", { labels: { team: "web", gone: null } }, { labels: { team: "web" } }],
  ])("%s", (_name, fields, expected) => {
    const parsed = parseNotification(body(fields), RECEIVED);
    expect(parsed).toEqual({ ok: true, observation: expect.objectContaining(expected) });
  });

  test.each([
    ["a list", [], "the body: expected a JSON object"],
    ["a string", "hello", "the body: expected a JSON object"],
    ["null", null, "the body: expected a JSON object"],
    ["no application", body({ application: undefined }), "application:"],
    ["an empty application", body({ application: "" }), "application:"],
    ["a number for the health", body({ healthStatus: 3 }), "healthStatus:"],
    ["a source without repoURL", body({ source: { path: "x" } }), "source.repoURL:"],
    ["images that are not strings", body({ images: [1] }), "images.0:"],
  ])("%s is invalid with the field named", (_name, input, reason) => {
    const parsed = parseNotification(input, RECEIVED);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe("an application from Argo CD's API", () => {
  const POLLED = Date.parse("2025-03-02T15:30:00Z");

  test("a synced, healthy Kustomize application", () => {
    expect(fromApplication(webDev, POLLED, "https://argocd.example.com")).toEqual({
      ok: true,
      observation: { ...WEB_DEV, via: "api" },
    });
  });

  test("a Degraded application keeps Argo CD's message", () => {
    const parsed = fromApplication(webProd, POLLED);
    expect(parsed).toEqual({
      ok: true,
      observation: expect.objectContaining({
        healthStatus: "Degraded",
        healthMessage: 'Deployment "web" exceeded its progress deadline',
        url: undefined,
      }),
    });
  });

  test("a multi-source application never synced: revisions, no operation, polled time", () => {
    const parsed = fromApplication(payments, POLLED);
    expect(parsed).toEqual({
      ok: true,
      observation: expect.objectContaining({
        sources: [
          { repoURL: "https://charts.example.com", path: undefined, targetRevision: "1.4.2" },
          { repoURL: "https://github.com/acme/manifests.git", path: undefined, targetRevision: "main" },
        ],
        revision: "1.4.2",
        syncStatus: "OutOfSync",
        operationPhase: undefined,
        images: undefined,
        observedAt: POLLED,
      }),
    });
  });

  test.each([
    ["no metadata", {}, "metadata:"],
    ["no name", { metadata: { namespace: "argocd" } }, "metadata.name:"],
    ["a status that is a string", { metadata: { name: "x" }, status: "Healthy" }, "status:"],
  ])("%s is invalid with the field named", (_name, item, reason) => {
    const parsed = fromApplication(item, POLLED);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  test("a list's items, and an empty list as Argo CD writes it", () => {
    expect(applicationItems(list)).toEqual({ ok: true, items: list.items });
    expect(applicationItems({ metadata: {}, items: null })).toEqual({ ok: true, items: [] });
    expect(applicationItems({ items: "x" }).ok).toBe(false);
  });
});
