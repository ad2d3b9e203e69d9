import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startArgo, type ArgoFixture } from "./argocd-fixture.js";
import { checkResponse, matchOperation } from "../../twin/argocd/swagger.js";

describe("Argo CD twin: the applications API", () => {
  let f: ArgoFixture;
  const get = (path: string, token: string | null = f.argocd.token) =>
    fetch(`${f.argocd.url}${path}`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
  const names = async (path: string): Promise<string[]> => {
    const response = await get(path);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { items: Array<{ metadata: { name: string } }> };
    return body.items.map((item) => item.metadata.name);
  };

  beforeAll(async () => {
    f = await startArgo();
    const create = (name: string, env: string, labels: Record<string, string>, project = "default") =>
      f.argocd.createApplication({
        name,
        repo: "acme/manifests",
        path: `apps/${name.split("-")[0]}/overlays/${env}`,
        targetRevision: "main",
        labels,
        project,
      });
    create("web-dev", "dev", { env: "dev", team: "shop" });
    create("api-dev", "dev", { env: "dev" });
    create("api-prod", "prod", { env: "prod", team: "core" }, "production");
    f.argocd.createApplication({
      name: "other",
      repo: "acme/manifests",
      repoURL: "https://github.com/acme/other.git",
      path: "apps/web/overlays/dev",
    });
    await f.argocd.waitFor("api-prod", (app) => app.status.health.status === "Healthy");
  });
  afterAll(async () => {
    await f.close();
  });

  it("lists applications sorted by name, filtered by repo as Argo CD does: the exact repoURL string", async () => {
    expect(await names("/api/v1/applications")).toEqual(["api-dev", "api-prod", "other", "web-dev"]);
    const repo = encodeURIComponent("https://github.com/acme/manifests");
    expect(await names(`/api/v1/applications?repo=${repo}`)).toEqual(["api-dev", "api-prod", "web-dev"]);
    // Argo CD's FilterByRepoP compares strings: another spelling of the same repository matches nothing
    expect(
      await names(`/api/v1/applications?repo=${encodeURIComponent("https://github.com/acme/manifests.git")}`),
    ).toEqual([]);
    expect(
      await names(`/api/v1/applications?repo=${encodeURIComponent("https://GitHub.com/acme/manifests")}`),
    ).toEqual([]);
  });

  it("filters by label selector and by project", async () => {
    expect(await names("/api/v1/applications?selector=env%3Ddev")).toEqual(["api-dev", "web-dev"]);
    expect(await names("/api/v1/applications?selector=env!%3Ddev")).toEqual(["api-prod", "other"]);
    expect(await names("/api/v1/applications?selector=team")).toEqual(["api-prod", "web-dev"]);
    expect(await names("/api/v1/applications?selector=team,env%3Ddev")).toEqual(["web-dev"]);
    expect(await names("/api/v1/applications?selector=env%20in%20(prod)")).toEqual(["api-prod"]);
    expect(await names("/api/v1/applications?projects=production")).toEqual(["api-prod"]);
    expect(
      await names("/api/v1/applications?projects=production&projects=default&selector=env%3Dprod"),
    ).toEqual(["api-prod"]);
  });

  it("gets one application; an unknown one is 403 permission denied, as Argo CD hides what it would not show", async () => {
    const response = await get("/api/v1/applications/api-prod");
    expect(response.status).toBe(200);
    const app = (await response.json()) as {
      metadata: { namespace: string };
      status: { sync: { status: string } };
    };
    expect(app.metadata.namespace).toBe("argocd");
    expect(app.status.sync.status).toBe("Synced");
    const missing = await get("/api/v1/applications/nope");
    expect(missing.status).toBe(403);
    expect(await missing.json()).toEqual({
      error: "permission denied",
      code: 7,
      message: "permission denied",
    });
  });

  it("answers 401 with Argo CD's runtimeError without a token or with a wrong one", async () => {
    const none = await get("/api/v1/applications", null);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({
      error: "no session information",
      code: 16,
      message: "no session information",
    });
    const wrong = await get("/api/v1/applications", "not-the-token");
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: number }).code).toBe(16);
  });

  it("counts requests by route and can add a delay per request", async () => {
    const before = f.argocd.requests.total;
    f.argocd.requestDelayMs = 50;
    const started = Date.now();
    await names("/api/v1/applications?selector=env%3Ddev");
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    f.argocd.requestDelayMs = 0;
    expect(f.argocd.requests.total).toBe(before + 1);
    expect(f.argocd.requests.byRoute.get("GET /api/v1/applications")).toBeGreaterThan(0);
  });

  it("has validated every request and answer so far against Argo CD's swagger", () => {
    expect(f.argocd.violations).toEqual([]);
  });

  it("records a query parameter the swagger does not declare, and a bad selector is Argo CD's error", async () => {
    await names("/api/v1/applications?repoUrl=x");
    const bad = await get("/api/v1/applications?selector=%3D%3D");
    expect(bad.status).toBe(500);
    expect(((await bad.json()) as { message: string }).message).toMatch(/^error parsing the selector/);
    expect(f.argocd.violations).toEqual([
      "argocd twin: GET /api/v1/applications has no query parameter `repoUrl`",
    ]);
    f.argocd.violations.length = 0;
  });

  it("the response validator refuses what the swagger refuses", () => {
    const list = matchOperation("GET", "/api/v1/applications")!.operation;
    expect(checkResponse(list, 200, { metadata: {}, items: [] })).toBeNull();
    expect(checkResponse(list, 200, { items: [{ status: { sync: { status: 3 } } }] })).toMatch(
      /status\/sync\/status must be string/,
    );
    expect(
      checkResponse(list, 200, { items: [{ status: { health: { status: "Healthy", color: "green" } } }] }),
    ).toMatch(/must NOT have additional properties/);
    expect(checkResponse(list, 200, { items: [{ metadata: { creationTimestamp: "yesterday" } }] })).toMatch(
      /must match format "date-time"/,
    );
    expect(checkResponse(list, 401, { code: "16" })).toMatch(/code must be integer/);
    expect(matchOperation("GET", "/api/v1/nothing")).toBeNull();
  });
});
