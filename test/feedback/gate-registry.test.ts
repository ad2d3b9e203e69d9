import { MemoryGateRegistry, type OpenGate } from "../../src/feedback/gates/gate-registry.js";

function gate(pull: number, headOid: string, owner = "acme"): OpenGate {
  return {
    installationId: 1,
    manifests: { owner, name: "manifests" },
    pull,
    headOid,
    environment: "prod",
    rule: { environment: "qa", healthyForSeconds: 1800 },
    image: "ghcr.io/acme/web",
    tag: "sha-1",
    mode: "auto-merge",
    mergeMethod: "squash",
    checkRunId: undefined,
    shown: undefined,
    openedAt: 0,
  };
}

describe("MemoryGateRegistry", () => {
  test("one gate per pull request: a newer head replaces it; repositories are apart, names case-insensitive", () => {
    const registry = new MemoryGateRegistry();
    registry.put(gate(1, "a"));
    registry.put(gate(1, "b"));
    registry.put(gate(1, "c", "other"));
    expect(registry.get({ owner: "ACME", name: "Manifests" }, 1)?.headOid).toBe("b");
    expect(registry.list({ owner: "acme", name: "manifests" }).map((each) => each.headOid)).toEqual(["b"]);
    expect(registry.list()).toHaveLength(2);
    registry.delete({ owner: "acme", name: "manifests" }, 1);
    expect(registry.get({ owner: "acme", name: "manifests" }, 1)).toBeUndefined();
  });

  test("bounded: past the limit, the oldest opened is forgotten", () => {
    const registry = new MemoryGateRegistry(2);
    registry.put(gate(1, "a"));
    registry.put(gate(2, "a"));
    registry.put(gate(1, "b")); // a new head of a known pull request takes no more room
    registry.put(gate(3, "a"));
    expect(registry.list().map((each) => each.pull)).toEqual([2, 3]);
  });
});
