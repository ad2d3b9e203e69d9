import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { freePort } from "../../twin/harness.js";
import { openFleet, type Fleet } from "../../src/runtime/fleet.js";

/**
 * A real redis-server (Debian's `redis-server` package), started by the tests on a free loopback port
 * with nothing persisted; no mock stands in for Redis. `.ci/run` installs the package where it is missing.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL): Redis gone, as in an outage. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after `kill`), empty. */
  restart(): Promise<void>;
}

/** The redis-server binary on PATH, or undefined. */
export function redisServerBinary(): string | undefined {
  const found = spawnSync("sh", ["-c", "command -v redis-server"], { encoding: "utf8" });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

const missingSaid = { said: false };

/**
 * `describe` when redis-server is installed; otherwise one visible line and `describe.skip`. Under CI
 * (`CI` set) a missing redis-server fails the run instead: `.ci/run` installs it.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerBinary() || process.env["CI"]) {
    describe(name, body);
    return;
  }
  if (!missingSaid.said) {
    missingSaid.said = true;
    process.stderr.write(
      "redis-server is not installed: the fleet tests are skipped here (apt-get install redis-server); CI runs them.\n",
    );
  }
  describe.skip(`${name} (skipped: redis-server is not installed)`, body);
}

/** Starts a redis-server on a free port and waits until it answers PING. */
export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new Error("redis-server is not installed: apt-get install redis-server (.ci/run does)");
  const dir = await mkdtemp(join(tmpdir(), "gib-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    child = spawn(
      binary,
      ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir],
      { stdio: "ignore" },
    );
    await untilPing(port);
  };
  const end = async (signal: NodeJS.Signals): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    running.kill(signal);
    await exited;
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await end("SIGTERM");
      await rm(dir, { recursive: true, force: true });
    },
    kill: () => end("SIGKILL"),
    restart: launch,
  };
}

async function untilPing(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch (error) {
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer on port ${port}`, { cause: error });
    } finally {
      client.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Inside a `describeWithRedis` body: one redis-server for the suite, and `replica(id)`, a fleet
 * connection standing in for one app process. Each test's replicas are closed and Redis emptied after it.
 */
export function replicasOnRedis(): {
  readonly server: () => RedisServer;
  readonly replica: (id: string) => Fleet;
} {
  let server: RedisServer | undefined;
  let opened: Fleet[] = [];
  const running = (): RedisServer => {
    if (!server)
      throw new Error("redis-server is not started (use replicasOnRedis inside describeWithRedis)");
    return server;
  };
  beforeAll(async () => {
    server = await startRedis();
  });
  afterEach(async () => {
    await Promise.all(opened.map((fleet) => fleet.close()));
    opened = [];
    const admin = openFleet(running().url, "admin");
    await admin.redis.flushall();
    await admin.close();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return {
    server: running,
    replica: (id) => {
      const fleet = openFleet(running().url, id);
      opened.push(fleet);
      return fleet;
    },
  };
}
