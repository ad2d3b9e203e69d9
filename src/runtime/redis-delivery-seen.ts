import type { DeliverySeen } from "../routing/delivery-seen.js";
import type { Fleet } from "./fleet.js";

/**
 * How long a delivery id (and a comment id) is remembered: 72 hours. GitHub redelivers a delivery with
 * the same `X-GitHub-Delivery` id, and lets a delivery be redelivered (by hand or through the API) only
 * within three days of it; after that no duplicate can arrive, so nothing longer is needed, and 72 hours
 * of ids (about 100 bytes each) stay small.
 */
export const DELIVERY_SEEN_TTL_MS = 72 * 3_600_000;

/** None of the keys exists: all are set with the expiry, and 1 is answered; else nothing changes, 0. */
const CLAIM_ALL = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then return 0 end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return 1`;

/** Deliveries seen by any replica, in the fleet's Redis, each for `ttlMs`. */
export class RedisDeliverySeen implements DeliverySeen {
  constructor(
    private readonly fleet: Pick<Fleet, "redis" | "prefix" | "replicaId">,
    private readonly ttlMs: number = DELIVERY_SEEN_TTL_MS,
  ) {}

  async claim(keys: readonly string[]): Promise<boolean> {
    const { redis, prefix, replicaId } = this.fleet;
    const named = keys.map((key) => `${prefix}seen:${key}`);
    const [only] = named;
    if (named.length === 1 && only !== undefined)
      return (await redis.set(only, replicaId, "PX", this.ttlMs, "NX")) === "OK";
    return (await redis.eval(CLAIM_ALL, named.length, ...named, replicaId, this.ttlMs)) === 1;
  }

  async release(keys: readonly string[]): Promise<void> {
    const { redis, prefix } = this.fleet;
    if (keys.length > 0) await redis.del(...keys.map((key) => `${prefix}seen:${key}`));
  }
}
