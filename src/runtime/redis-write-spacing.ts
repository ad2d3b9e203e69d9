import { WRITE_SPACING_MS, type WriteSlots } from "../adapters/github/write-spacing.js";
import type { Fleet } from "./fleet.js";

/**
 * Takes a key's next write slot: the later of now and the key's next free slot, which moves one spacing
 * on. Time is Redis's own (TIME), so replicas whose clocks disagree still space their writes a full
 * spacing apart. Answers the slot (ms) and how long to wait for it.
 */
const NEXT_SLOT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local spacing = tonumber(ARGV[1])
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], at + spacing, 'PX', at + spacing - now + 60000)
return { at, at - now }`;

/**
 * The writes (REST writes, GraphQL mutations) of each installation spaced `spacingMs` apart across the
 * whole fleet: one next-slot per installation in Redis, shared by every replica's app Octokit.
 */
export class RedisWriteSpacing implements WriteSlots {
  constructor(
    private readonly fleet: Pick<Fleet, "redis" | "prefix">,
    private readonly spacingMs: number = WRITE_SPACING_MS,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  /** Takes the key's next slot: when (Redis's clock, ms) it is and how long until then. */
  async reserve(key: string): Promise<{ at: number; waitMs: number }> {
    const { redis, prefix } = this.fleet;
    const [at, waitMs] = (await redis.eval(NEXT_SLOT, 1, `${prefix}write-slot:${key}`, this.spacingMs)) as [
      number,
      number,
    ];
    return { at, waitMs };
  }

  async slot(key: string): Promise<void> {
    const { waitMs } = await this.reserve(key);
    if (waitMs > 0) await this.sleep(waitMs);
  }
}
