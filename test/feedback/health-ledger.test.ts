import type { EnvironmentObservation, Observation } from "../../src/core/feedback/observation.js";
import { MemoryHealthLedger } from "../../src/feedback/health-ledger.js";

const manifests = { owner: "acme", name: "manifests" };

function observed(
  at: number,
  fields: Partial<Observation> & { images: string[] },
  environment = "qa",
): EnvironmentObservation {
  return {
    installationId: 1,
    manifests,
    environment,
    observation: {
      application: "api-qa",
      namespace: "argocd",
      project: "default",
      labels: {},
      sources: [
        {
          repoURL: "https://github.com/acme/manifests.git",
          path: "apps/api/overlays/qa",
          targetRevision: "main",
        },
      ],
      revision: "a".repeat(40),
      syncStatus: "Synced",
      healthStatus: "Healthy",
      healthMessage: undefined,
      operationPhase: "Succeeded",
      operationMessage: undefined,
      url: undefined,
      via: "notification",
      observedAt: at,
      ...fields,
    },
  };
}

describe("MemoryHealthLedger", () => {
  test("a tag stays healthy since it first became so; a repeat is no change", () => {
    const ledger = new MemoryHealthLedger();
    expect(ledger.record(observed(1000, { images: ["ghcr.io/acme/api:sha-1111111"] }))).toHaveLength(1);
    expect(ledger.record(observed(5000, { images: ["ghcr.io/acme/api:sha-1111111"] }))).toEqual([]);
    expect(ledger.current(manifests, "qa", "ghcr.io/acme/api")).toMatchObject({
      tag: "sha-1111111",
      state: "healthy",
      since: 1000,
    });
  });

  test("Degraded wins and carries Argo CD's message; the last healthy tag is the one before", () => {
    const ledger = new MemoryHealthLedger();
    ledger.record(observed(1000, { images: ["ghcr.io/acme/api:sha-1111111"] }));
    const changes = ledger.record(
      observed(2000, {
        images: ["ghcr.io/acme/api:sha-2222222", "nginx:1.27"],
        healthStatus: "Degraded",
        healthMessage: 'Deployment "api" exceeded its progress deadline',
      }),
    );
    expect(changes.map((change) => [change.after.image, change.after.state, change.before?.tag])).toEqual([
      ["ghcr.io/acme/api", "degraded", "sha-1111111"],
      ["docker.io/library/nginx", "degraded", undefined],
    ]);
    expect(ledger.current(manifests, "qa", "ghcr.io/acme/api")?.message).toBe(
      'Deployment "api" exceeded its progress deadline',
    );
    expect(ledger.lastHealthy(manifests, "qa", "ghcr.io/acme/api", "sha-2222222")).toBe("sha-1111111");
    expect(ledger.lastHealthy(manifests, "prod", "ghcr.io/acme/api", "sha-2222222")).toBeUndefined();
  });

  test("a failed sync is failed with the operation's message, whatever the health says", () => {
    const ledger = new MemoryHealthLedger();
    ledger.record(
      observed(1000, {
        images: ["ghcr.io/acme/api:sha-1111111"],
        operationPhase: "Failed",
        operationMessage: "one or more objects failed to apply",
      }),
    );
    expect(ledger.current(manifests, "qa", "ghcr.io/acme/api")).toMatchObject({
      state: "failed",
      message: "one or more objects failed to apply",
    });
  });

  test("two applications of one environment: healthy only when both run the tag, since the later", () => {
    const ledger = new MemoryHealthLedger();
    ledger.record(observed(1000, { images: ["ghcr.io/acme/api:sha-2222222"] }));
    const other = observed(3000, { images: ["ghcr.io/acme/api:sha-1111111"], application: "api-qa-eu" });
    ledger.record(other);
    expect(ledger.current(manifests, "qa", "ghcr.io/acme/api")?.state).toBe("progressing");
    ledger.record(observed(4000, { images: ["ghcr.io/acme/api:sha-2222222"], application: "api-qa-eu" }));
    expect(ledger.current(manifests, "qa", "ghcr.io/acme/api")).toMatchObject({
      tag: "sha-2222222",
      state: "healthy",
      since: 4000,
    });
  });
});
