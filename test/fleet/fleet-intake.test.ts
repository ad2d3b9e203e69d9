import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";
import { DEV, OLD, sourceRepo, startBot, webManifests, type BotHarness } from "../e2e/bot-harness.js";

describeWithRedis("a build's webhook with the fleet's Redis", () => {
  let redis: RedisServer;
  let bot: BotHarness;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    bot = await startBot([webManifests(), sourceRepo("web")], { redisUrl: redis.url, replicaId: "r1" });
  });
  afterEach(async () => {
    await bot.close();
  });

  test("is answered once Redis holds it, and deploys", async () => {
    const sha = await bot.commitSource("web");
    const delivery = await bot.send("workflow_run", bot.workflowRun("web", sha));
    expect(delivery.status).toBe(200);
    await bot.idle();
    expect(await bot.deployed(DEV)).toBe(sha);
  });

  test("with Redis down: the webhook is answered 503, /healthz says why, nothing is written; back up: it deploys", async () => {
    const sha = await bot.commitSource("web");
    await redis.kill();
    try {
      const refused = await bot.send("workflow_run", bot.workflowRun("web", sha));
      expect(refused.status).toBe(503);
      const health = await fetch(new URL("/healthz", bot.webhookUrl));
      expect(health.status).toBe(503);
      expect(await health.text()).toMatch(/Redis \(REDIS_URL\) is unreachable/);
      expect(await bot.deployed(DEV)).toBe(OLD);
    } finally {
      await redis.restart();
    }
    // GitHub's redelivery (same payload, a new delivery id) once Redis is back.
    for (let tries = 0; ; tries += 1) {
      const again = await bot.send("workflow_run", bot.workflowRun("web", sha));
      if (again.status === 200) break;
      if (tries > 200) throw new Error(`still refused: ${again.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await bot.idle();
    expect(await bot.deployed(DEV)).toBe(sha);
  });
});
