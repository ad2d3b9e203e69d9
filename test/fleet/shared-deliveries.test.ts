// Delivery dedupe and the dashboard's last errors across replicas: each replica here is a Fleet of its
// own (its own connections) on one real redis-server, as three app processes would be.
import { Deliveries } from "../../src/routing/deliveries.js";
import { DELIVERY_SEEN_TTL_MS, RedisDeliverySeen } from "../../src/runtime/redis-delivery-seen.js";
import { LAST_ERROR_TTL_MS, RedisLastErrors } from "../../src/runtime/redis-last-errors.js";
import { describeWithRedis, replicasOnRedis } from "../helpers/redis-server.js";
import { until } from "./until.js";

describeWithRedis("shared deliveries and last errors on a real redis-server", () => {
  const { replica, server } = replicasOnRedis();

  test("a delivery that reaches three replicas at once is handled by exactly one", async () => {
    const replicas = ["r1", "r2", "r3"].map((id) => new Deliveries(new RedisDeliverySeen(replica(id))));
    for (const delivery of ["d-1", "d-2", "d-3", "d-4", "d-5"]) {
      const answers = await Promise.all(replicas.map((deliveries) => deliveries.first(delivery)));
      expect(answers.filter(Boolean)).toHaveLength(1);
    }
    // A redelivery later, to any replica, is seen.
    expect(await Promise.all(replicas.map((deliveries) => deliveries.first("d-3")))).toEqual([
      false,
      false,
      false,
    ]);
  });

  test("a comment's commands run once across replicas, even replayed under a new delivery id", async () => {
    const [a, b] = ["r1", "r2"].map((id) => new Deliveries(new RedisDeliverySeen(replica(id))));
    expect(await a!.firstComment("d-1", 501)).toBe(true);
    expect(await b!.firstComment("d-2", 501)).toBe(false); // the same comment
    expect(await b!.firstComment("d-1", 502)).toBe(false); // the same delivery
    expect(await b!.firstComment("d-3", 503)).toBe(true);
    // A refused claim marked nothing: d-2 was never handled.
    expect(await a!.first("d-2")).toBe(true);
  });

  test("a delivery id is remembered 72 hours, then forgotten", async () => {
    const fleet = replica("r1");
    expect(await new RedisDeliverySeen(fleet).claim(["delivery:d-1"])).toBe(true);
    const left = await fleet.redis.pttl(`${fleet.prefix}seen:delivery:d-1`);
    expect(left).toBeGreaterThan(DELIVERY_SEEN_TTL_MS - 60_000);
    expect(left).toBeLessThanOrEqual(DELIVERY_SEEN_TTL_MS);
    expect(DELIVERY_SEEN_TTL_MS).toBe(72 * 3_600_000);
    // With a short time to live (the same code path): seen until it expires, new again after.
    const short = new RedisDeliverySeen(fleet, 200);
    expect(await short.claim(["delivery:d-2", "comment:9"])).toBe(true);
    expect(await short.claim(["comment:9"])).toBe(false);
    await until(async () => (await fleet.redis.exists(`${fleet.prefix}seen:comment:9`)) === 0);
    expect(await short.claim(["delivery:d-2", "comment:9"])).toBe(true);
  });

  test("a last error set on one replica shows on another's dashboard, and a write there clears it", async () => {
    const now = () => Date.parse("2026-03-01T10:00:00Z");
    const a = new RedisLastErrors(replica("r1"), now);
    const b = new RedisLastErrors(replica("r2"), now);
    const repo = { owner: "Acme", name: "Manifests" };
    a.set(repo, "a batch failed: HttpError: Bad credentials");
    // The same replica reads its own write (one connection, commands in order).
    expect(await a.get(repo)).toEqual({
      at: "2026-03-01T10:00:00.000Z",
      message: "a batch failed: HttpError: Bad credentials",
    });
    expect(await b.get({ owner: "acme", name: "manifests" })).toEqual({
      at: "2026-03-01T10:00:00.000Z",
      message: "a batch failed: HttpError: Bad credentials",
    });
    expect(await b.get({ owner: "acme", name: "other" })).toBeUndefined();
    const fleet = replica("reader");
    const left = await fleet.redis.pttl(`${fleet.prefix}last-error:acme/manifests`);
    expect(left).toBeGreaterThan(LAST_ERROR_TTL_MS - 60_000);
    b.clear(repo);
    expect(await b.get(repo)).toBeUndefined();
    expect(await a.get(repo)).toBeUndefined();
  });

  test("with Redis gone, a delivery cannot be claimed (the webhook fails, GitHub may redeliver); a last error is dropped, not thrown", async () => {
    const fleet = replica("r1");
    const deliveries = new Deliveries(new RedisDeliverySeen(fleet));
    const refused: unknown[] = [];
    const errors = new RedisLastErrors(fleet, Date.now, (error) => refused.push(error));
    await fleet.redis.ping();
    await server().kill();
    try {
      await expect(deliveries.first("d-9")).rejects.toThrow();
      expect(() => errors.set({ owner: "acme", name: "manifests" }, "boom")).not.toThrow();
      await until(() => refused.length === 1);
    } finally {
      await server().restart();
    }
  });
});
