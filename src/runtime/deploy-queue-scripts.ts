import type { Redis } from "ioredis";

/**
 * The deploy queue's items in Redis, per key (installation and manifests repository): what BullMQ has no
 * feature for — a list of items moved to the batch in flight in one step. BullMQ's job per key is only
 * the trigger (src/runtime/redis-deploy-queue.ts); the items themselves live here until their batch is done.
 */
export interface KeyNames {
  /** Items waiting for a batch, oldest first. */
  readonly pending: string;
  /** The items of the batch being written: kept until it is done, run first by whoever takes over. */
  readonly inflight: string;
  /** Which batch owns `inflight` (a batch that lost its lock must not end another's). */
  readonly owner: string;
  /** When the key's last batch ended (ms): the next waits a window after it. */
  readonly ended: string;
  /** The key's batch window (ms), from its config when an item was queued. */
  readonly window: string;
}

export function keyNames(prefix: string, key: string): KeyNames {
  const base = `${prefix}deploy:{${key}}`;
  return {
    pending: `${base}:pending`,
    inflight: `${base}:inflight`,
    owner: `${base}:owner`,
    ended: `${base}:ended`,
    window: `${base}:window`,
  };
}

/** Every key with items waiting or in flight (figures, idle, the sweep). */
export const keysSet = (prefix: string): string => `${prefix}deploy:keys`;

// KEYS: pending, window, keys set. ARGV: item, max waiting, window ms ("" = unknown), key.
const PUSH = `
if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('RPUSH', KEYS[1], ARGV[1])
if ARGV[3] ~= '' then redis.call('SET', KEYS[2], ARGV[3]) end
redis.call('SADD', KEYS[3], ARGV[4])
return 1`;

// KEYS: pending, inflight, owner. ARGV: max batch, batch id.
// A batch left in flight (its worker died) is taken over whole; otherwise up to max batch items move.
const TAKE = `
if redis.call('LLEN', KEYS[2]) > 0 then
  redis.call('SET', KEYS[3], ARGV[2])
  return redis.call('LRANGE', KEYS[2], 0, -1)
end
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('LTRIM', KEYS[1], #items, -1)
redis.call('RPUSH', KEYS[2], unpack(items))
redis.call('SET', KEYS[3], ARGV[2])
return items`;

// KEYS: inflight, owner, ended, pending, keys set. ARGV: batch id, now ms, key.
// Returns the items still waiting; -1 when another batch owns the key now (this one lost its lock).
const FINISH = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], ARGV[2], 'PX', 3600000)
local waiting = redis.call('LLEN', KEYS[4])
if waiting == 0 then redis.call('SREM', KEYS[5], ARGV[3]) end
return waiting`;

// KEYS: pending, inflight, keys set. ARGV: key.
const FORGET = `
if redis.call('LLEN', KEYS[1]) == 0 and redis.call('LLEN', KEYS[2]) == 0 then
  return redis.call('SREM', KEYS[3], ARGV[1])
end
return 0`;

/** Drops the key from the set of keys with items when it has none (figures and idle read the set). */
export async function forgetIfEmpty(redis: Redis, prefix: string, key: string): Promise<void> {
  const names = keyNames(prefix, key);
  await redis.eval(FORGET, 3, names.pending, names.inflight, keysSet(prefix), key);
}

/** Adds an item unless `maxWaiting` already wait; false when refused. */
export async function pushItem(
  redis: Redis,
  prefix: string,
  key: string,
  item: string,
  maxWaiting: number,
  windowMs: number | undefined,
): Promise<boolean> {
  const names = keyNames(prefix, key);
  const added = await redis.eval(
    PUSH,
    3,
    names.pending,
    names.window,
    keysSet(prefix),
    item,
    String(maxWaiting),
    windowMs === undefined ? "" : String(Math.round(windowMs)),
    key,
  );
  return added === 1;
}

/** The batch to write: the one left in flight, else up to `maxBatch` waiting items, now owned by `batchId`. */
export async function takeBatch(
  redis: Redis,
  prefix: string,
  key: string,
  maxBatch: number,
  batchId: string,
): Promise<string[]> {
  const names = keyNames(prefix, key);
  const items = await redis.eval(
    TAKE,
    3,
    names.pending,
    names.inflight,
    names.owner,
    String(maxBatch),
    batchId,
  );
  return items as string[];
}

/** Ends the batch (its items are done); how many items wait now, or -1 when the batch was taken over. */
export async function finishBatch(
  redis: Redis,
  prefix: string,
  key: string,
  batchId: string,
  now: number,
): Promise<number> {
  const names = keyNames(prefix, key);
  const waiting = await redis.eval(
    FINISH,
    5,
    names.inflight,
    names.owner,
    names.ended,
    names.pending,
    keysSet(prefix),
    batchId,
    String(now),
    key,
  );
  return Number(waiting);
}
