import { MemoryDeliverySeen, type DeliverySeen } from "../routing/delivery-seen.js";
import { MemoryPassSchedule, type PassSchedule } from "../scheduler/pass-schedule.js";
import { MemoryLastErrors, type LastErrors } from "../services/last-errors.js";
import { MemoryPacerWindows, type PacerLimits, type PacerWindows } from "../services/pacer-windows.js";
import { MemoryPassLock, type PassLock } from "../services/pass-lock.js";
import type { Fleet } from "./fleet.js";
import { RedisDeliverySeen } from "./redis-delivery-seen.js";
import { RedisLastErrors } from "./redis-last-errors.js";
import { RedisPacerWindows } from "./redis-pacer-windows.js";
import { RedisPassLock } from "./redis-pass-lock.js";
import { RedisPassSchedule } from "./redis-pass-schedule.js";

interface WarnLog {
  warn(object: object, message: string): void;
}

/**
 * The small pieces of runtime state the replicas share: which deliveries were handled, the dashboard's
 * last errors, the reconciliation lock and schedule, the content-creating budget per installation.
 */
export interface SharedState {
  readonly seen: DeliverySeen;
  readonly lastErrors: LastErrors;
  readonly passLock: PassLock;
  readonly passSchedule: PassSchedule;
  pacerWindows(installationId: number, limits: PacerLimits): PacerWindows;
}

/** In the fleet's Redis when there is a fleet; else in memory, as one process needs. */
export function sharedState(fleet: Fleet | undefined, now: () => number, log?: WarnLog): SharedState {
  if (!fleet)
    return {
      seen: new MemoryDeliverySeen(),
      lastErrors: new MemoryLastErrors(now),
      passLock: new MemoryPassLock(),
      passSchedule: new MemoryPassSchedule(),
      pacerWindows: (_installationId, limits) => new MemoryPacerWindows(limits),
    };
  return {
    seen: new RedisDeliverySeen(fleet),
    lastErrors: new RedisLastErrors(fleet, now, (error) =>
      log?.warn({ err: error }, "could not record the dashboard's last error in Redis"),
    ),
    passLock: new RedisPassLock(fleet, {
      onLost: (installationId) =>
        log?.warn({ installationId }, "the reconciliation lock expired while the pass ran"),
    }),
    passSchedule: new RedisPassSchedule(fleet),
    pacerWindows: (installationId, limits) => new RedisPacerWindows(fleet, installationId, limits),
  };
}
