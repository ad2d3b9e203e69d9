import { WriteSpacing, type WriteSlots } from "../adapters/github/write-spacing.js";
import { openFleet, redisUrlFrom, replicaIdFrom, type FleetEnv } from "./fleet.js";
import { RedisWriteSpacing } from "./redis-write-spacing.js";

/**
 * The write spacing of the app's Octokit (src/adapters/github/app-octokit.ts), made before the app:
 * with REDIS_URL, one next-slot per installation in Redis, so every replica's writes are spaced a
 * second apart together (a connection of its own, ended with the process); else this process's.
 */
export function writeSpacingFor(env: FleetEnv): WriteSlots {
  const url = redisUrlFrom(env);
  if (url === undefined) return new WriteSpacing();
  return new RedisWriteSpacing(openFleet(url, `${replicaIdFrom(env)}:write-spacing`));
}
