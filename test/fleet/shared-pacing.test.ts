// Content-creating pacing and write spacing shared by replicas (a Fleet each) on one real
// redis-server: the budget and the one-second spacing hold fleet-wide. The pacer's windows run on a
// fake clock (the times passed in), so the assertions are on recorded times, not on speed.
import { RedisPacerWindows } from "../../src/runtime/redis-pacer-windows.js";
import { RedisWriteSpacing } from "../../src/runtime/redis-write-spacing.js";
import { Pacer, type PacerLane } from "../../src/services/pacer.js";
import { pacerLimits } from "../../src/services/pacer-windows.js";
import { describeWithRedis, replicasOnRedis } from "../helpers/redis-server.js";
import { until } from "./until.js";

/** The most requests in any `windowMs` (sliding) of the recorded times. */
function peak(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    let j = i;
    while (j < sorted.length && sorted[j]! - sorted[i]! < windowMs) j++;
    most = Math.max(most, j - i);
  }
  return most;
}

describeWithRedis("pacing shared by the fleet on a real redis-server", () => {
  const { replica, server } = replicasOnRedis();

  test("three replicas asking every second for three minutes never exceed one budget in any minute", async () => {
    const limits = pacerLimits(6, 100);
    const windows = ["r1", "r2", "r3"].map((id) => new RedisPacerWindows(replica(id), 7, limits));
    const sent: number[] = [];
    for (let at = 0; at < 180_000; at += 1_000) {
      const answers = await Promise.all(windows.map((one) => one.reserve("write", at)));
      for (const wait of answers) if (wait === 0) sent.push(at);
    }
    expect(peak(sent, 60_000)).toBe(6);
    // And the budget is used, not wasted: three replicas take it in the first two seconds of each minute.
    const minute = (m: number) => [0, 0, 0, 1_000, 1_000, 1_000].map((at) => at + m * 60_000);
    expect(sent).toEqual([...minute(0), ...minute(1), ...minute(2)]);
    // Another installation has a budget of its own.
    expect(await new RedisPacerWindows(replica("r4"), 8, limits).reserve("write", 0)).toBe(0);
  });

  test("the hour's budget holds fleet-wide when each minute allows more", async () => {
    const limits = pacerLimits(10, 12);
    const windows = ["r1", "r2"].map((id) => new RedisPacerWindows(replica(id), 7, limits));
    const sent: number[] = [];
    for (let at = 0; at < 2 * 3_600_000; at += 30_000) {
      const answers = await Promise.all(windows.map((one) => one.reserve("write", at)));
      for (const wait of answers) if (wait === 0) sent.push(at);
    }
    expect(peak(sent, 3_600_000)).toBe(12);
    expect(peak(sent, 60_000)).toBeLessThanOrEqual(10);
  });

  test("the lanes' shares hold fleet-wide: reports take two thirds, replies a third, writes the rest", async () => {
    const limits = pacerLimits(12, 100);
    const [a, b, c] = ["r1", "r2", "r3"].map((id) => new RedisPacerWindows(replica(id), 7, limits));
    const granted = async (lane: PacerLane, count: number, at = 0) => {
      let yes = 0;
      for (let i = 0; i < count; i++)
        for (const one of [a!, b!, c!]) if ((await one.reserve(lane, at)) === 0) yes++;
      return yes;
    };
    expect(await granted("reply", 3)).toBe(4); // 12 / 3, across the three replicas
    expect(await granted("report", 3)).toBe(4); // up to 8 of 12 used
    expect(await granted("write", 3)).toBe(4); // the rest of the minute
    // A wait is how long until the oldest request leaves the minute.
    expect(await a!.reserve("write", 15_000)).toBe(45_000);
    expect(await granted("write", 1, 60_000)).toBe(3);
  });

  test("pacers of three replicas on one installation let one budget through, the rest wait", async () => {
    const now = () => 1_000; // a still clock: nothing leaves the window during the test
    const pacers = ["r1", "r2", "r3"].map(
      (id) => new Pacer(6, 100, now, new RedisPacerWindows(replica(id), 7, pacerLimits(6, 100))),
    );
    let through = 0;
    for (const pacer of pacers) for (let i = 0; i < 4; i++) void pacer.take(true).then(() => through++);
    await until(
      () => through + pacers.reduce((sum, pacer) => sum + pacer.waiting, 0) === 12 && through === 6,
    );
    expect(pacers.map((pacer) => pacer.waiting).reduce((a, b) => a + b)).toBe(6);
    for (const pacer of pacers) pacer.close();
  });

  test("with Redis gone a pacer's take fails instead of sending unpaced", async () => {
    const fleet = replica("r1");
    const pacer = new Pacer(6, 100, Date.now, new RedisPacerWindows(fleet, 7, pacerLimits(6, 100)));
    await fleet.redis.ping();
    await server().kill();
    try {
      await expect(pacer.take(true)).rejects.toThrow();
      expect(pacer.waiting).toBe(0);
    } finally {
      await server().restart();
      pacer.close();
    }
  });

  test("writes of one installation get slots a full second apart across three replicas; another installation's do not wait", async () => {
    const spacings = ["r1", "r2", "r3"].map((id) => new RedisWriteSpacing(replica(id)));
    const slots = await Promise.all(
      spacings.flatMap((spacing) => [1, 2, 3, 4].map(() => spacing.reserve("42"))),
    );
    const at = slots.map((slot) => slot.at).sort((x, y) => x - y);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBe(1_000);
    expect(Math.min(...slots.map((slot) => slot.waitMs))).toBe(0);
    expect(Math.max(...slots.map((slot) => slot.waitMs))).toBeGreaterThanOrEqual(10_000);
    expect((await spacings[0]!.reserve("43")).waitMs).toBe(0);
  });

  test("slot() waits for its turn: writes of two replicas leave at least a second apart", async () => {
    const spacings = ["r1", "r2"].map((id) => new RedisWriteSpacing(replica(id)));
    const left: number[] = [];
    await Promise.all(
      spacings.flatMap((spacing) => [1, 2].map(() => spacing.slot("42").then(() => left.push(Date.now())))),
    );
    left.sort((x, y) => x - y);
    // A timer never fires early; Date.now and Redis's clock may disagree by a millisecond or two.
    for (let i = 1; i < left.length; i++) expect(left[i]! - left[i - 1]!).toBeGreaterThanOrEqual(990);
  });
});
