import { z } from "zod";
import type { RegistryStore, StoredRegistry } from "../services/registry-store.js";
import type { Fleet } from "./fleet.js";

const configFile = z.object({ path: z.string(), text: z.string() });
const storedRegistry = z.object({
  id: z.string().min(1),
  at: z.number().finite(),
  repos: z.array(
    z.object({
      owner: z.string().min(1),
      name: z.string().min(1),
      private: z.boolean(),
      inputs: z.object({
        found: z.array(configFile),
        base: z
          .union([
            z.object({ file: z.string(), text: z.string() }),
            z.object({ file: z.string(), reason: z.string(), fix: z.string() }),
          ])
          .optional(),
      }),
    }),
  ),
});

/**
 * Sets the registry only when the installation's epoch is still the one read before GitHub was: an
 * invalidation (which moves the epoch) while a replica read GitHub wins over that read.
 */
const PUT_UNLESS_INVALIDATED = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** Clears the registry and moves the epoch, at once. */
const INVALIDATE = `
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

/** How long an epoch outlives its last change: far longer than any read of GitHub. */
const EPOCH_TTL_MS = 24 * 60 * 60_000;

/**
 * The manifests registry per installation in Redis: `<prefix>registry:<installation id>` holds the
 * repositories and config texts of the last read (JSON, expiring after the registry's time to live),
 * `<prefix>registry-epoch:<installation id>` counts invalidations.
 */
export function redisRegistryStore(fleet: Pick<Fleet, "redis" | "prefix">): RegistryStore {
  const { redis, prefix } = fleet;
  const key = (id: number) => `${prefix}registry:${id}`;
  const epochKey = (id: number) => `${prefix}registry-epoch:${id}`;
  return {
    get: async (installationId) => {
      const raw = await redis.get(key(installationId));
      return raw === null ? undefined : parseStored(raw);
    },
    epoch: async (installationId) => (await redis.get(epochKey(installationId))) ?? "0",
    put: async (installationId, registry, epoch, ttlMs) => {
      const keys = [key(installationId), epochKey(installationId)];
      const ttl = String(Math.max(1, Math.ceil(ttlMs)));
      await redis.eval(PUT_UNLESS_INVALIDATED, 2, ...keys, epoch, JSON.stringify(registry), ttl);
    },
    invalidate: async (installationId) => {
      const keys = [key(installationId), epochKey(installationId)];
      await redis.eval(INVALIDATE, 2, ...keys, String(EPOCH_TTL_MS));
    },
  };
}

/** A kept registry, or undefined when the entry is not one (written by hand, cut short): a miss. */
function parseStored(raw: string): StoredRegistry | undefined {
  try {
    const parsed = storedRegistry.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
