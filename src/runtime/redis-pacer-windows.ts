import type { PacerLane } from "../services/pacer.js";
import {
  HOUR_MS,
  MINUTE_MS,
  shareOf,
  type PacerLimits,
  type PacerWindows,
} from "../services/pacer-windows.js";
import type { Fleet } from "./fleet.js";

/**
 * The sliding windows of MemoryPacerWindows over sorted sets (score: when a request was sent), checked
 * and counted in one script, so that replicas asking at once never both take the last slot.
 * KEYS: every request sent, the replies among them. ARGV: now, lane, then per lane's share of the
 * minute and of the hour (the whole budget, the reports' share, the replies' own share), a unique member.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local lane = ARGV[2]
local function wait(key, perMinute, perHour)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - ${HOUR_MS})
  local w = 0
  local minuteFloor = '(' .. ARGV[8]
  if redis.call('ZCOUNT', key, minuteFloor, '+inf') >= perMinute then
    local blocker = redis.call('ZREVRANGEBYSCORE', key, '+inf', minuteFloor, 'WITHSCORES', 'LIMIT', perMinute - 1, 1)
    w = tonumber(blocker[2]) + ${MINUTE_MS} - now
  end
  if redis.call('ZCARD', key) >= perHour then
    local blocker = redis.call('ZREVRANGE', key, perHour - 1, perHour - 1, 'WITHSCORES')
    w = math.max(w, tonumber(blocker[2]) + ${HOUR_MS} - now)
  end
  return w
end
local w
if lane == 'write' then
  w = wait(KEYS[1], tonumber(ARGV[3]), tonumber(ARGV[4]))
else
  w = wait(KEYS[1], tonumber(ARGV[5]), tonumber(ARGV[6]))
end
if lane == 'reply' then
  w = math.max(w, wait(KEYS[2], tonumber(ARGV[9]), tonumber(ARGV[10])))
end
if w > 0 then return math.ceil(w) end
redis.call('ZADD', KEYS[1], now, ARGV[7])
redis.call('PEXPIRE', KEYS[1], ${HOUR_MS + MINUTE_MS})
if lane == 'reply' then
  redis.call('ZADD', KEYS[2], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[2], ${HOUR_MS + MINUTE_MS})
end
return 0`;

/**
 * One installation's content-creating requests counted in the fleet's Redis: every replica's pacer of
 * the installation reserves its slots here, so together they stay within one budget (the lanes' shares
 * hold fleet-wide too). Times are the replicas' clocks: a skew of a second moves a 60 s window by a
 * second, well inside the margin between the budget (60 a minute) and GitHub's limit (80).
 */
export class RedisPacerWindows implements PacerWindows {
  private sequence = 0;

  constructor(
    private readonly fleet: Pick<Fleet, "redis" | "prefix" | "replicaId">,
    private readonly installationId: number,
    private readonly limits: PacerLimits,
  ) {}

  async reserve(lane: PacerLane, now: number): Promise<number> {
    const { redis, prefix, replicaId } = this.fleet;
    const { perMinute, perHour, reportShare, replyShare } = this.limits;
    const key = `${prefix}pace:${this.installationId}`;
    const answer = await redis.eval(
      RESERVE,
      2,
      `${key}:sent`,
      `${key}:replies`,
      String(now),
      lane,
      String(perMinute),
      String(perHour),
      String(shareOf(perMinute, reportShare)),
      String(shareOf(perHour, reportShare)),
      `${replicaId}:${++this.sequence}:${now}`,
      String(now - MINUTE_MS),
      String(shareOf(perMinute, replyShare)),
      String(shareOf(perHour, replyShare)),
    );
    return Number(answer);
  }
}
