import type { PassSchedule } from "../scheduler/pass-schedule.js";
import type { Fleet } from "./fleet.js";

/** Due when no next time is stored or it has come: the next time is stored (kept `ARGV[3]` ms), 1. */
const CLAIM = `
local next = tonumber(redis.call('GET', KEYS[1]))
if next and tonumber(ARGV[1]) < next then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/**
 * The fleet's schedule of reconciliation passes in Redis: each repository's next due time, claimed by
 * one replica per interval, so the scheduled pass runs once per interval fleet-wide and a replica that
 * starts (or restarts) does not run a pass the fleet ran a moment ago. A stored time is kept twice its
 * interval, then forgotten (the pass is then due, as after a start).
 */
export class RedisPassSchedule implements PassSchedule {
  constructor(private readonly fleet: Pick<Fleet, "redis" | "prefix">) {}

  async claim(key: string, now: number, next: number): Promise<boolean> {
    const keep = Math.max(60_000, 2 * (next - now));
    const { redis, prefix } = this.fleet;
    return (await redis.eval(CLAIM, 1, `${prefix}reconcile:next:${key}`, now, next, keep)) === 1;
  }

  async release(key: string): Promise<void> {
    await this.fleet.redis.del(`${this.fleet.prefix}reconcile:next:${key}`);
  }
}
