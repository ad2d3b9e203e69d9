import type { Health, HealthCheck } from "../http/app-health.js";
import type { Fleet } from "./fleet.js";

/** Why the fleet's Redis cannot take work right now (the connection is not ready), or undefined. */
export function fleetUnavailable(fleet: Fleet): string | undefined {
  const status = fleet.redis.status;
  // Still making its first connection: a command waits for it, and fails (503) if it does not come.
  if (status === "ready" || status === "connect" || status === "connecting") return undefined;
  return `Redis (REDIS_URL) is unreachable (connection ${status}): builds cannot be queued; deliver again later`;
}

/** How long a fresh replica of a fleet may say "warming up" on `/healthz` at most. */
export const WARM_READY_MS = 15_000;

/**
 * A fresh replica of a fleet is not ready until its warm-up has read what the fleet knows (the other
 * replicas take the webhooks meanwhile), for at most `maxMs` after its start: then its first build costs
 * what a warm one does. After that, `next` decides.
 */
export function untilWarm(
  next: HealthCheck,
  warm: () => boolean,
  startedAt: number,
  now: () => number,
  maxMs = WARM_READY_MS,
): HealthCheck {
  return async (): Promise<Health> => {
    if (!warm() && now() - startedAt < maxMs)
      return { ok: false, reason: "warming up: reading the installations' manifests repositories" };
    return next();
  };
}

/**
 * `/healthz`'s fleet part: Redis answers PING within `timeoutMs`; otherwise unhealthy, saying why, and
 * then the app's own check (GitHub) is not asked.
 */
export function fleetHealthCheck(fleet: Fleet, next: HealthCheck, timeoutMs = 2_000): HealthCheck {
  return async (): Promise<Health> => {
    const down = fleetUnavailable(fleet);
    if (down !== undefined) return { ok: false, reason: down };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("no answer"), timeoutMs);
      timer.unref();
    });
    try {
      const answer = await Promise.race([fleet.redis.ping(), timedOut]);
      if (answer !== "PONG")
        return { ok: false, reason: `Redis (REDIS_URL) did not answer PING within ${timeoutMs / 1000} s` };
    } catch (error) {
      return {
        ok: false,
        reason: `Redis (REDIS_URL) is unreachable: ${error instanceof Error ? error.message : String(error)}`,
      };
    } finally {
      clearTimeout(timer);
    }
    return next();
  };
}
