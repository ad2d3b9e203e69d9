// The app's Octokit of two replicas (each its own class, its own Redis connection) against the twin:
// with the fleet's write spacing, the installation's writes leave a second apart across both, and the
// reads of either are not spaced.
import { appOctokit } from "../../src/adapters/github/app-octokit.js";
import { openFleet, type Fleet } from "../../src/runtime/fleet.js";
import { RedisWriteSpacing } from "../../src/runtime/redis-write-spacing.js";
import { startTwin, type TwinFixture } from "../twin/twin-fixture.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

/**
 * Redis's clock and this process's are the same host's clock; a millisecond either way for rounding.
 * The twin runs in this process: a write can leave later than its slot (a busy event loop delays the
 * timer), never sooner, so the test asserts on the slots and that no write left before its slot.
 */
const ROUNDING = 2;

/** The fleet's write spacing, recording the slots it hands out. */
class RecordedSpacing extends RedisWriteSpacing {
  constructor(
    fleet: Fleet,
    private readonly slots: number[],
  ) {
    super(fleet);
  }

  override async reserve(key: string): Promise<{ at: number; waitMs: number }> {
    const slot = await super.reserve(key);
    this.slots.push(slot.at);
    return slot;
  }
}

describeWithRedis("the app's Octokit on two replicas spaces one installation's writes together", () => {
  let server: RedisServer;
  let fx: TwinFixture;
  const fleets: Fleet[] = [];
  beforeAll(async () => {
    server = await startRedis();
    fx = await startTwin();
  });
  afterAll(async () => {
    await Promise.all(fleets.map((fleet) => fleet.close()));
    await fx.close();
    await server.stop();
  });

  test("three status writes from each of two replicas get slots a second apart and none leaves before its slot; reads wait for none", async () => {
    const token = fx.twin.store.issueToken(fx.installation.id).token;
    const sent: { at: number; what: string }[] = [];
    const slots: number[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      sent.push({ at: Date.now(), what: init?.method ?? "GET" });
      return globalThis.fetch(input, init);
    };
    const replicaClient = (id: string) => {
      const fleet = openFleet(server.url, id);
      fleets.push(fleet);
      const Octokit = appOctokit(new RecordedSpacing(fleet, slots));
      return new Octokit({
        auth: { type: "token", token },
        // Probot keys each installation's client by its id: the spacing is per installation.
        throttle: {
          id: String(fx.installation.id),
          onRateLimit: () => false,
          onSecondaryRateLimit: () => false,
        },
        baseUrl: fx.twin.urls.api,
        log: { debug() {}, info() {}, warn() {}, error() {} },
        request: { fetch },
      });
    };
    const [a, b] = [replicaClient("r1"), replicaClient("r2")];
    const sha = (await fx.repo.git.getRef("refs/heads/main"))!;
    const status = (octokit: typeof a, n: number) =>
      octokit.request("POST /repos/{owner}/{repo}/statuses/{sha}", {
        owner: "acme",
        repo: "manifests",
        sha,
        state: "success",
        context: `fleet/${n}`,
      });
    const get = (octokit: typeof a) =>
      octokit.request("GET /repos/{owner}/{repo}", { owner: "acme", repo: "manifests" });
    await Promise.all([
      status(a, 1),
      status(b, 2),
      status(a, 3),
      status(b, 4),
      status(a, 5),
      status(b, 6),
      get(a),
      get(b),
    ]);

    const writes = sent
      .filter((one) => one.what === "POST")
      .map((one) => one.at)
      .sort((x, y) => x - y);
    const reads = sent.filter((one) => one.what === "GET").map((one) => one.at);
    expect([writes.length, reads.length]).toEqual([6, 2]);
    // One slot per write, a second apart across both replicas; the i-th write to leave left no sooner
    // than the i-th slot (each write waits for its own).
    slots.sort((x, y) => x - y);
    expect(slots).toHaveLength(6);
    for (let i = 1; i < slots.length; i++) expect(slots[i]! - slots[i - 1]!).toBe(1_000);
    for (let i = 0; i < writes.length; i++) expect(writes[i]!).toBeGreaterThanOrEqual(slots[i]! - ROUNDING);
    expect(Math.max(...reads)).toBeLessThan(writes[5]!);
    expect(fx.repo.statuses.filter((one) => one.sha === sha)).toHaveLength(6);
  });
});
