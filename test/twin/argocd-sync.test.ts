import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { overlay, SHA_A, SHA_B, startArgo, type ArgoFixture } from "./argocd-fixture.js";

describe("Argo CD twin: the application controller", () => {
  let f: ArgoFixture;
  beforeEach(async () => {
    f = await startArgo();
    f.argocd.createApplication({
      name: "api-dev",
      repo: "acme/manifests",
      path: "apps/api/overlays/dev",
      targetRevision: "main",
    });
    f.argocd.createApplication({
      name: "web-dev",
      repo: "acme/manifests",
      path: "apps/web/overlays/dev",
      targetRevision: "main",
    });
  });
  afterEach(async () => {
    expect(f.argocd.violations).toEqual([]);
    await f.close();
  });

  it("syncs a pushed tag: OutOfSync, then Synced at the revision, Progressing, then Healthy with the rendered images", async () => {
    await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    const head = await f.push([overlay("api", "dev", SHA_A)]);
    // delays of 0: one pass compares and syncs; sync and health still go through their states
    const app = await f.argocd.waitFor(
      "api-dev",
      (a) => a.status.sync.revision === head && a.status.health.status === "Healthy",
    );
    expect(app.status.sync.status).toBe("Synced");
    expect(app.status.operationState).toMatchObject({ phase: "Succeeded", syncResult: { revision: head } });
    expect(app.status.summary.images).toEqual([`ghcr.io/acme/api:${SHA_A}`]);
    expect(app.status.resources).toEqual([
      expect.objectContaining({
        kind: "Deployment",
        name: "api",
        namespace: "dev",
        health: { status: "Healthy" },
      }),
    ]);
  });

  it("waits syncDelayMs OutOfSync before syncing, and healthDelayMs Progressing before Healthy", async () => {
    let now = Date.parse("2026-09-01T10:00:00Z");
    await f.close();
    f = await startArgo({ syncDelayMs: 60_000, healthDelayMs: 30_000, now: () => new Date(now) });
    f.argocd.createApplication({
      name: "api-dev",
      repo: "acme/manifests",
      path: "apps/api/overlays/dev",
      targetRevision: "main",
    });
    await f.argocd.reconcile();
    expect(f.argocd.application("api-dev")?.status.sync.status).toBe("OutOfSync");
    now += 59_000;
    await f.argocd.reconcile();
    expect(f.argocd.application("api-dev")?.status.operationState).toBeUndefined();
    now += 1_000;
    await f.argocd.reconcile();
    expect(f.argocd.application("api-dev")?.status).toMatchObject({
      sync: { status: "Synced" },
      health: { status: "Progressing" },
    });
    now += 30_000;
    await f.argocd.reconcile();
    expect(f.argocd.application("api-dev")?.status.health.status).toBe("Healthy");
  });

  it("an app whose path the push did not touch stays Synced at the new revision without a sync", async () => {
    const before = await f.argocd.waitFor("web-dev", (app) => app.status.health.status === "Healthy");
    const head = await f.push([overlay("api", "dev", SHA_A)]);
    const web = await f.argocd.waitFor("web-dev", (app) => app.status.sync.revision === head);
    expect(web.status.sync.status).toBe("Synced");
    expect(web.status.operationState).toEqual(before.status.operationState);
  });

  it("a running image marked bad makes the app Degraded with Argo CD's message, and Healthy again when cleared", async () => {
    await f.push([overlay("api", "dev", SHA_A)]);
    await f.argocd.waitFor(
      "api-dev",
      (app) =>
        app.status.health.status === "Healthy" && app.status.summary.images?.[0]?.endsWith(SHA_A) === true,
    );
    f.argocd.markBad(`ghcr.io/acme/api:${SHA_A}`);
    const degraded = await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Degraded");
    expect(degraded.status.health.message).toBe('Deployment "api" exceeded its progress deadline');
    expect(degraded.status.resources?.[0]?.health).toEqual({
      status: "Degraded",
      message: 'Deployment "api" exceeded its progress deadline',
    });
    f.argocd.unmarkBad(`ghcr.io/acme/api:${SHA_A}`);
    await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
  });

  it("a build marked bad before it is pushed goes Progressing then Degraded, with a custom message", async () => {
    f.argocd.markBad(
      `ghcr.io/acme/web:${SHA_B}`,
      'Deployment "web" exceeded its progress deadline\nand "more"',
    );
    const head = await f.push([overlay("web", "dev", SHA_B)]);
    const app = await f.argocd.waitFor(
      "web-dev",
      (a) => a.status.sync.revision === head && a.status.health.status === "Degraded",
    );
    expect(app.status.health.message).toBe('Deployment "web" exceeded its progress deadline\nand "more"');
  });

  it("Argo CD v3's shape (healthMessageOnApplication: false): the message is only on the resource", async () => {
    await f.close();
    f = await startArgo({ healthMessageOnApplication: false });
    f.argocd.createApplication({
      name: "api-dev",
      repo: "acme/manifests",
      path: "apps/api/overlays/dev",
      targetRevision: "main",
    });
    f.argocd.markBad(`ghcr.io/acme/api:${SHA_A}`);
    await f.push([overlay("api", "dev", SHA_A)]);
    const app = await f.argocd.waitFor("api-dev", (a) => a.status.health.status === "Degraded");
    expect(app.status.health.message).toBeUndefined();
    expect(app.status.resources?.[0]?.health?.message).toBe(
      'Deployment "api" exceeded its progress deadline',
    );
  });

  it("a kustomization that does not build fails the sync with kustomize's error; the running version stays", async () => {
    const good = await f.argocd.waitFor("api-dev", (app) => app.status.health.status === "Healthy");
    const head = await f.push([
      { path: "apps/api/overlays/dev/kustomization.yaml", content: "resources:\n  - ../../nowhere\n" },
    ]);
    const app = await f.argocd.waitFor("api-dev", (a) => a.status.operationState?.phase === "Error");
    expect(app.status.sync).toMatchObject({ status: "Unknown", revision: head });
    expect(app.status.conditions?.[0]?.type).toBe("ComparisonError");
    expect(app.status.operationState?.message).toMatch(
      /^ComparisonError: Failed to load target state: .*`kustomize build apps\/api\/overlays\/dev` failed exit status 1: .*nowhere/s,
    );
    expect(app.status.operationState?.message).not.toContain("argocd-twin-");
    expect(app.status.summary.images).toEqual(good.status.summary.images);
    expect(app.status.health.status).toBe("Healthy");
  });

  it("reads plain manifests and Helm values' image.repository/image.tag where there is no kustomization", async () => {
    await f.push([
      {
        path: "plain/deploy.yaml",
        content:
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n          image: busybox:1.36\n      containers:\n        - name: worker\n          image: ghcr.io/acme/worker:1.2.3\n",
      },
      { path: "chart/Chart.yaml", content: "apiVersion: v2\nname: billing\nversion: 0.1.0\n" },
      {
        path: "chart/values.yaml",
        content: "image:\n  repository: ghcr.io/acme/billing\n  tag: sha-abc1234\n",
      },
    ]);
    f.argocd.createApplication({
      name: "worker",
      repo: "acme/manifests",
      path: "plain",
      targetRevision: "main",
    });
    f.argocd.createApplication({
      name: "billing",
      repo: "acme/manifests",
      path: "chart",
      targetRevision: "main",
    });
    const worker = await f.argocd.waitFor("worker", (app) => app.status.health.status === "Healthy");
    expect(worker.status.summary.images).toEqual(["busybox:1.36", "ghcr.io/acme/worker:1.2.3"]);
    const billing = await f.argocd.waitFor("billing", (app) => app.status.health.status === "Healthy");
    expect(billing.status.summary.images).toEqual(["ghcr.io/acme/billing:sha-abc1234"]);
  });
});
