import { once } from "node:events";
import { hostname } from "node:os";
import { Redis, type RedisOptions } from "ioredis";

/** The environment variables the fleet reads. */
export type FleetEnv = Readonly<Record<string, string | undefined>>;

/**
 * The replicas' shared Redis (`REDIS_URL`): the runtime state that must outlive one process or be seen
 * by all of them (the deploy queue, delivery ids, pacing, the index, locks, last errors) lives there.
 * Without `REDIS_URL` every port has its in-memory implementation, as before.
 */
export interface Fleet {
  /**
   * For commands: while Redis is unreachable a command fails after one reconnect attempt instead of
   * waiting, so a webhook gets a 503 at once.
   */
  readonly redis: Redis;
  readonly url: string;
  /** Which replica this is, in logs and metrics: REPLICA_ID, else the host name (a pod's name). */
  readonly replicaId: string;
  /**
   * Every key the app writes starts with it (`gib:`). Whoever can write to this Redis can queue deploys:
   * give the app a Redis of its own, reachable by its pods only.
   */
  readonly prefix: string;
  /**
   * A connection of its own, for blocking commands and BullMQ (which needs `maxRetriesPerRequest: null`);
   * closed with the fleet.
   */
  connection(purpose: string): Redis;
  /** Closes every connection opened through the fleet. */
  close(): Promise<void>;
}

export const FLEET_PREFIX = "gib:";

/** Which replica this process is: REPLICA_ID, else HOSTNAME (Kubernetes sets it to the pod's name), else the host's name. */
export function replicaIdFrom(env: FleetEnv): string {
  return env["REPLICA_ID"] || env["HOSTNAME"] || hostname();
}

/** The Redis URL when the app runs as a fleet; undefined (in-memory state) when REDIS_URL is unset or empty. */
export function redisUrlFrom(env: FleetEnv): string | undefined {
  const url = env["REDIS_URL"]?.trim();
  return url ? url : undefined;
}

/** Opens the fleet's command connection (it connects at once; BullMQ's connections are opened by their users). */
export function openFleet(url: string, replicaId: string): Fleet {
  const opened: Redis[] = [];
  const open = (purpose: string, options: RedisOptions): Redis => {
    const client = new Redis(url, { connectionName: `gitops-image-bot:${replicaId}:${purpose}`, ...options });
    // Errors surface on the commands that fail; without a listener ioredis would print each reconnect.
    client.on("error", () => undefined);
    opened.push(client);
    return client;
  };
  // A webhook must be answered within GitHub's 10 s: a Redis that does not answer fails the command well before.
  const redis = open("commands", { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 5_000 });
  return {
    redis,
    url,
    replicaId,
    prefix: FLEET_PREFIX,
    connection: (purpose) => open(purpose, { maxRetriesPerRequest: null }),
    close: async () => {
      await Promise.all(
        opened.map(async (client) => {
          if (client.status === "end") return;
          if (client.status !== "ready") {
            // Not connected (Redis down, reconnecting): nothing in flight to wait for.
            client.disconnect();
            return;
          }
          // QUIT lets replies in flight arrive, then the connection ends.
          const ended = once(client, "end");
          await client.quit().catch(() => client.disconnect());
          await ended;
        }),
      );
    },
  };
}
