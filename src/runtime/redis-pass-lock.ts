import { randomUUID } from "node:crypto";
import type { HeldPass, PassLock } from "../services/pass-lock.js";
import type { Fleet } from "./fleet.js";

/**
 * The lock's expiry: 30 s, renewed every 10 s while the pass runs. A replica that dies holding it
 * blocks the installation's passes for 30 s at most; a living holder misses two renewals (a long
 * pause, a Redis blip) before it could lose it.
 */
export const PASS_LOCK_TTL_MS = 30_000;
export const PASS_LOCK_RENEW_MS = 10_000;

/** Only the holder (the token it set) extends or deletes the lock: never another replica's. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** When an installation's last pass started and ended, and on which replica (a week at most). */
export interface PassRecord {
  readonly replica: string;
  readonly startedAt: number;
  readonly endedAt?: number;
}
const RECORD_TTL_MS = 7 * 24 * 3_600_000;

export interface RedisPassLockOptions {
  readonly ttlMs?: number;
  /** How often a held lock is renewed; 0: never (tests of a holder that stopped renewing). */
  readonly renewMs?: number;
  readonly now?: () => number;
  /** Told when a holder found its lock gone (expired and taken): its pass is no longer exclusive. */
  readonly onLost?: (installationId: number) => void;
}

/**
 * One reconciliation pass per installation across the fleet: SET NX PX with this holder's token,
 * renewed while the pass runs, released by a compare-and-delete script. The pass's start and end are
 * recorded per installation (`lastPass`).
 */
export class RedisPassLock implements PassLock {
  constructor(
    private readonly fleet: Pick<Fleet, "redis" | "prefix" | "replicaId">,
    private readonly options: RedisPassLockOptions = {},
  ) {}

  async acquire(installationId: number): Promise<HeldPass | undefined> {
    const { redis, prefix, replicaId } = this.fleet;
    const { ttlMs = PASS_LOCK_TTL_MS, renewMs = PASS_LOCK_RENEW_MS, now = Date.now } = this.options;
    const key = `${prefix}reconcile:lock:${installationId}`;
    const token = `${replicaId}:${randomUUID()}`;
    if ((await redis.set(key, token, "PX", ttlMs, "NX")) !== "OK") return undefined;
    const record = this.recordKey(installationId);
    await redis
      .multi()
      .hset(record, { replica: replicaId, startedAt: now() })
      .hdel(record, "endedAt")
      .pexpire(record, RECORD_TTL_MS)
      .exec();
    const renewal =
      renewMs > 0
        ? setInterval(() => {
            redis.eval(RENEW, 1, key, token, ttlMs).then(
              (renewed) => {
                if (renewed !== 1) {
                  clearInterval(renewal);
                  this.options.onLost?.(installationId);
                }
              },
              () => undefined, // Redis away for a moment: the next renewal tries again
            );
          }, renewMs)
        : undefined;
    renewal?.unref();
    return {
      release: async () => {
        clearInterval(renewal);
        if ((await redis.eval(RELEASE, 1, key, token)) === 1) await redis.hset(record, { endedAt: now() });
      },
    };
  }

  /** When the installation's last pass started (and ended, unless it runs or its holder died). */
  async lastPass(installationId: number): Promise<PassRecord | undefined> {
    const { replica, startedAt, endedAt } = await this.fleet.redis.hgetall(this.recordKey(installationId));
    if (replica === undefined || startedAt === undefined) return undefined;
    return { replica, startedAt: Number(startedAt), ...(endedAt ? { endedAt: Number(endedAt) } : {}) };
  }

  private recordKey(installationId: number): string {
    return `${this.fleet.prefix}reconcile:pass:${installationId}`;
  }
}
