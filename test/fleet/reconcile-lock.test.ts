// One reconciliation pass per installation across the fleet: the lock (SET NX PX, renewed, released
// by compare-and-delete) and the shared schedule, with two or three replicas (a Fleet each) on one
// real redis-server.
import { RedisPassLock } from "../../src/runtime/redis-pass-lock.js";
import { RedisPassSchedule } from "../../src/runtime/redis-pass-schedule.js";
import { Reconciler, type ReconcilerDeps } from "../../src/services/reconciler.js";
import { Scheduler } from "../../src/scheduler/scheduler.js";
import type { ManifestsRegistry, ManifestsRepo } from "../../src/services/manifests-registry.js";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { validConfig } from "../helpers/plan-fixtures.js";
import { describeWithRedis, replicasOnRedis } from "../helpers/redis-server.js";
import { until } from "./until.js";

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

const CONFIG = validConfig(`
sources:
  - repositories: [acme/api]
    image: ghcr.io/acme/api
    tag: "{sha}"
environments:
  production:
    paths: ["apps/*/production/**"]
reconcile:
  intervalMinutes: 10
`);

describeWithRedis("one reconciliation pass per installation across the fleet", () => {
  const { replica } = replicasOnRedis();

  test("of three replicas asking at once, one holds the lock; after its release another may", async () => {
    const locks = ["r1", "r2", "r3"].map((id) => new RedisPassLock(replica(id)));
    const held = await Promise.all(locks.map((lock) => lock.acquire(7)));
    expect(held.filter((one) => one !== undefined)).toHaveLength(1);
    // Another installation is not held by it.
    expect(await locks[1]!.acquire(8)).toBeDefined();
    await held.find((one) => one !== undefined)!.release();
    expect(await locks[2]!.acquire(7)).toBeDefined();
  });

  test("a holder that dies (no release, no renewal) holds the lock only until it expires", async () => {
    const dying = replica("r1");
    const a = new RedisPassLock(dying, { ttlMs: 1_000, renewMs: 250 });
    const b = new RedisPassLock(replica("r2"), { ttlMs: 1_000 });
    const heldByA = await a.acquire(7);
    expect(heldByA).toBeDefined();
    const acquiredAt = Date.now();
    // SIGKILL, as far as Redis can tell: the connection is gone and nothing renews the lock.
    dying.redis.disconnect();
    expect(await b.acquire(7)).toBeUndefined();
    let heldByB: Awaited<ReturnType<RedisPassLock["acquire"]>>;
    await until(async () => (heldByB = await b.acquire(7)) !== undefined);
    expect(heldByB).toBeDefined();
    // Not before the expiry (a lower bound: it does not depend on the machine's speed).
    expect(Date.now() - acquiredAt).toBeGreaterThanOrEqual(990);
    await heldByA!.release().catch(() => undefined); // stops the dead holder's renewal timer
  });

  test("a holder that outlived its lock never releases the next holder's", async () => {
    const admin = replica("admin");
    const a = new RedisPassLock(replica("r1"), { ttlMs: 300, renewMs: 0 });
    const b = new RedisPassLock(replica("r2"), { ttlMs: 60_000 });
    const c = new RedisPassLock(replica("r3"));
    const heldByA = await a.acquire(7);
    let heldByB: Awaited<ReturnType<RedisPassLock["acquire"]>>;
    await until(async () => (heldByB = await b.acquire(7)) !== undefined);
    await heldByA!.release();
    expect(await admin.redis.get(`${admin.prefix}reconcile:lock:7`)).toMatch(/^r2:/);
    expect(await c.acquire(7)).toBeUndefined();
    await heldByB!.release();
    expect(await c.acquire(7)).toBeDefined();
  });

  test("a living holder renews its lock past the expiry while its pass runs", async () => {
    const admin = replica("admin");
    const a = new RedisPassLock(replica("r1"), { ttlMs: 3_000, renewMs: 250 });
    const b = new RedisPassLock(replica("r2"));
    const key = `${admin.prefix}reconcile:lock:7`;
    const held = await a.acquire(7);
    const acquiredAt = Date.now();
    // Held well past its first expiry: the renewals moved it on.
    await until(() => Date.now() - acquiredAt > 4_500);
    expect(await admin.redis.get(key)).toMatch(/^r1:/);
    expect(await b.acquire(7)).toBeUndefined();
    await held!.release();
    expect(await admin.redis.exists(key)).toBe(0);
    expect(await b.acquire(7)).toBeDefined();
  });

  test("two replicas' reconcilers: while one's pass runs the other's is busy; the pass's start and end are recorded", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let times = 0;
    const clock = () => Date.parse("2026-03-01T10:00:00Z") + 1000 * times++;
    const reconciler = (id: string, lock: RedisPassLock) =>
      new Reconciler({
        registry: {
          list: async () => {
            await gate;
            return [];
          },
        } as unknown as ManifestsRegistry,
        auth: async () => ({}) as Octokit,
        lock,
        log: quiet,
        now: clock,
        identity: async () => ({ login: `${id}[bot]`, id: 1 }) as never,
      } as unknown as ReconcilerDeps);
    const lockA = new RedisPassLock(replica("r1"), { now: clock });
    const a = reconciler("r1", lockA);
    const b = reconciler("r2", new RedisPassLock(replica("r2"), { now: clock }));
    const first = a.installation(7);
    await until(async () => (await lockA.lastPass(7)) !== undefined);
    expect(await b.installation(7)).toEqual({ kind: "busy" });
    expect((await lockA.lastPass(7))?.endedAt).toBeUndefined();
    open();
    expect(await first).toEqual({ kind: "done", results: [] });
    const record = await lockA.lastPass(7);
    expect(record).toEqual({ replica: "r1", startedAt: expect.any(Number), endedAt: expect.any(Number) });
    expect(record!.endedAt!).toBeGreaterThan(record!.startedAt);
    expect(await b.installation(7)).toEqual({ kind: "done", results: [] });
    expect((await lockA.lastPass(7))?.replica).toBe("r2");
  });

  test("three replicas' schedulers run one scheduled pass per interval, and a replica that starts late runs none", async () => {
    let at = Date.parse("2026-03-01T10:00:00Z");
    const passes: { replica: string; at: number }[] = [];
    const repo: ManifestsRepo = {
      owner: "acme",
      name: "manifests",
      config: { ok: true, config: CONFIG },
    } as ManifestsRepo;
    const scheduler = (id: string) =>
      new Scheduler({
        installations: async () => [7],
        auth: async () => ({}) as Octokit,
        registry: { list: async () => [repo] } as unknown as ManifestsRegistry,
        reconciler: {
          installation: async () => {
            passes.push({ replica: id, at });
            return { kind: "done", results: [] };
          },
        } as unknown as Reconciler,
        log: quiet,
        now: () => at,
        random: () => 0.5, // no jitter: next due exactly one interval on
        tickMs: 60_000,
        schedule: new RedisPassSchedule(replica(id)),
      });
    const replicas = [scheduler("r1"), scheduler("r2"), scheduler("r3")];
    const tickAll = (ones = replicas) => Promise.all(ones.map((one) => one.tick()));
    await tickAll();
    expect(passes).toHaveLength(1);
    // Every minute for the next nine: not due anywhere.
    for (let minute = 1; minute < 10; minute++) {
      at += 60_000;
      await tickAll();
    }
    expect(passes).toHaveLength(1);
    // A replica started (or restarted) now: the fleet passed 9 minutes ago, so it does not.
    const late = scheduler("r4");
    await late.tick();
    expect(passes).toHaveLength(1);
    at += 60_000; // ten minutes on: due once, on one replica of four
    await tickAll([...replicas, late]);
    expect(passes).toHaveLength(2);
    expect(passes[1]!.at - passes[0]!.at).toBe(600_000);
  });
});
