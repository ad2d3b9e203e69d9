// The app loaded with a fleet (BotOptions.redisUrl) keeps its delivery ids and its content-creating
// budget in Redis: a delivery the app handled is seen by a second replica's Deliveries, and the
// requests its batch sent are counted in the installation's shared windows.
import { Deliveries } from "../../src/routing/deliveries.js";
import { openFleet } from "../../src/runtime/fleet.js";
import { RedisDeliverySeen } from "../../src/runtime/redis-delivery-seen.js";
import {
  CONFIG,
  overlay,
  sourceRepo,
  startBot,
  closeExpectingNoViolations,
  DEV,
  PROD,
} from "../e2e/bot-harness.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

describeWithRedis("the app on a fleet's Redis", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });

  test("a build's delivery and its content-creating requests are recorded in Redis, and a redelivery is ignored", async () => {
    const zero = "0000000000000000000000000000000000000000";
    const bot = await startBot(
      [
        {
          name: "manifests",
          files: [
            { path: ".github/gitops-image-bot.yml", content: CONFIG },
            { path: DEV, content: overlay("ghcr.io/acme/web", zero) },
            { path: PROD, content: overlay("ghcr.io/acme/web", zero) },
          ],
        },
        sourceRepo("web"),
      ],
      { redisUrl: server.url, replicaId: "r1" },
    );
    const other = openFleet(server.url, "r2");
    try {
      const sha = await bot.commitSource("web");
      const payload = bot.workflowRun("web", sha);
      await bot.send("workflow_run", payload, "delivery-1");
      await bot.idle();
      expect(await bot.deployed(DEV)).toBe(sha);
      expect(await bot.appCommits()).toHaveLength(1);
      // Another replica sees the delivery as handled.
      expect(await new Deliveries(new RedisDeliverySeen(other)).first("delivery-1")).toBe(false);
      // The batch's content-creating requests (the commit at least) are in the installation's windows.
      const sent = await other.redis.zcard(`${other.prefix}pace:${bot.installation.id}:sent`);
      expect(sent).toBeGreaterThanOrEqual(1);
      // The same delivery again (GitHub's redelivery): nothing more is written.
      await bot.send("workflow_run", payload, "delivery-1");
      await bot.idle();
      expect(await bot.appCommits()).toHaveLength(1);
    } finally {
      await other.close();
      await closeExpectingNoViolations(bot);
      await bot.bot.close();
    }
  });
});
