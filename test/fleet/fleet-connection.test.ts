import { openFleet, redisUrlFrom, replicaIdFrom } from "../../src/runtime/fleet.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

describe("the fleet's settings", () => {
  test("REDIS_URL turns the fleet on; unset or blank keeps the in-memory state", () => {
    expect(redisUrlFrom({ REDIS_URL: "redis://redis:6379" })).toBe("redis://redis:6379");
    expect(redisUrlFrom({ REDIS_URL: "  " })).toBeUndefined();
    expect(redisUrlFrom({})).toBeUndefined();
  });

  test("the replica id is REPLICA_ID, else HOSTNAME (a pod's name)", () => {
    expect(replicaIdFrom({ REPLICA_ID: "r1", HOSTNAME: "pod-a" })).toBe("r1");
    expect(replicaIdFrom({ HOSTNAME: "gitops-image-bot-7d9f-abcde" })).toBe("gitops-image-bot-7d9f-abcde");
    expect(replicaIdFrom({}).length).toBeGreaterThan(0);
  });
});

describeWithRedis("the fleet's connection to a real redis-server", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  test("commands reach Redis, and close ends every connection", async () => {
    const fleet = openFleet(server.url, "r1");
    const blocking = fleet.connection("worker");
    await fleet.redis.set(`${fleet.prefix}probe`, "1");
    expect(await blocking.get(`${fleet.prefix}probe`)).toBe("1");
    const clients = await fleet.redis.client("LIST");
    expect(String(clients)).toContain("name=gitops-image-bot:r1:commands");
    await fleet.close();
    expect(fleet.redis.status).toBe("end");
    expect(blocking.status).toBe("end");
  });

  test("with Redis down, a command fails at once instead of waiting in an offline queue", async () => {
    const fleet = openFleet(server.url, "r2");
    await fleet.redis.ping();
    await server.kill();
    try {
      const started = Date.now();
      await expect(fleet.redis.set(`${fleet.prefix}x`, "1")).rejects.toThrow();
      // Not a timing assertion on speed: only that it did not wait for the reconnect to succeed.
      expect(fleet.redis.status).not.toBe("ready");
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      await server.restart();
      await fleet.close();
    }
  });
});
