// The fleet's deploy queue on a real redis-server: several RedisDeployQueue instances (each with its own
// Fleet connections, as separate replicas) share one Redis; batches are recorded by a fake `run`.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { CommandResult } from "../../src/commands/command-job.js";
import { openFleet, type Fleet } from "../../src/runtime/fleet.js";
import { RedisDeployQueue, type RecoveryTimings } from "../../src/runtime/redis-deploy-queue.js";
import type { DeployItem } from "../../src/services/deployer.js";
import { MemoryLastErrors } from "../../src/services/last-errors.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";
import {
  buildItem,
  commandItem,
  FAST_TIMINGS,
  manifests,
  quietLog,
  REPO,
} from "./fixtures/deploy-queue-fixtures.js";

interface Batch {
  readonly replica: string;
  readonly key: string;
  readonly ids: string[];
  readonly start: number;
  end: number | undefined;
}

interface Replica {
  readonly name: string;
  readonly fleet: Fleet;
  readonly queue: RedisDeployQueue;
}

/** What every replica's `run` saw, and a gate a test may hold batches at. */
class Recorder {
  readonly batches: Batch[] = [];
  private gates: (() => void)[] = [];
  hold = false;
  private started: (() => void)[] = [];

  run(replica: string) {
    return async (items: readonly DeployItem[]): Promise<void> => {
      const first = items[0];
      const batch: Batch = {
        replica,
        key: first ? `${first.repo.owner}/${first.repo.name}` : "",
        ids: items.map(idOf),
        start: Date.now(),
        end: undefined,
      };
      this.batches.push(batch);
      for (const wake of this.started.splice(0)) wake();
      if (this.hold) await new Promise<void>((resolve) => this.gates.push(resolve));
      else await new Promise((resolve) => setTimeout(resolve, 30));
      for (const item of items)
        if (item.kind === "command")
          item.settle({ kind: "failed", message: `ran on ${replica}` } satisfies CommandResult);
      batch.end = Date.now();
    };
  }

  /** Resolves when `count` batches have started. */
  async started_(count: number): Promise<void> {
    while (this.batches.length < count) await new Promise<void>((resolve) => this.started.push(resolve));
  }

  release(): void {
    this.hold = false;
    for (const open of this.gates.splice(0)) open();
  }

  ids(): string[] {
    return this.batches.flatMap((batch) => batch.ids);
  }
}

function idOf(item: DeployItem): string {
  return item.kind === "build" ? item.build.id : item.job.id;
}

/** No two batches of one key overlap in time, whichever replicas ran them. */
function overlaps(batches: readonly Batch[]): string[] {
  const found: string[] = [];
  const byKey = new Map<string, Batch[]>();
  for (const batch of batches) byKey.set(batch.key, [...(byKey.get(batch.key) ?? []), batch]);
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const before = sorted[i - 1]!;
      const after = sorted[i]!;
      if (before.end === undefined || after.start < before.end)
        found.push(
          `${key}: ${before.replica} [${before.start}, ${before.end}] and ${after.replica} at ${after.start}`,
        );
    }
  }
  return found;
}

describeWithRedis("the deploy queue of a fleet, on Redis with BullMQ", () => {
  let server: RedisServer;
  const replicas: Replica[] = [];
  let recorder: Recorder;

  const replica = (
    name: string,
    options: { windowMs?: number; timings?: Partial<RecoveryTimings>; concurrency?: number } = {},
  ): Replica => {
    const fleet = openFleet(server.url, name);
    const queue = new RedisDeployQueue(fleet, {
      run: recorder.run(name),
      batchWindowMs: options.windowMs ?? 300,
      lastErrors: new MemoryLastErrors(Date.now),
      log: quietLog,
      timings: { ...FAST_TIMINGS, ...options.timings },
      ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    });
    const made = { name, fleet, queue };
    replicas.push(made);
    return made;
  };

  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(async () => {
    await server.stop();
  });
  beforeEach(() => {
    recorder = new Recorder();
  });
  afterEach(async () => {
    recorder.release();
    for (const { queue, fleet } of replicas.splice(0)) {
      await queue.close();
      await fleet.close();
    }
    const flush = openFleet(server.url, "flush");
    await flush.redis.flushall();
    await flush.close();
  });

  test("three replicas: never two batches of one key at once, nothing lost, each item once", async () => {
    const [a, b, c] = [replica("a"), replica("b"), replica("c")];
    const repos = [manifests("one"), manifests("two"), manifests("three")];
    const expected: string[] = [];
    // Five waves over three repositories, each item queued through one of the three replicas.
    for (let wave = 0; wave < 5; wave++) {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => {
          const id = `w${wave}-${i}`;
          expected.push(id);
          const through = [a, b, c][i % 3]!;
          return through.queue.enqueue(1, repos[i % 3]!, buildItem(id, repos[i % 3]));
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await a.queue.idle();
    expect(overlaps(recorder.batches)).toEqual([]);
    expect(recorder.ids().sort()).toEqual([...expected].sort());
    // Batched: far fewer batches than items.
    expect(recorder.batches.length).toBeLessThan(expected.length / 3);
    expect(await b.queue.figures()).toEqual({ depth: 0, oldestAgeMs: undefined });
  });

  test("a lone build goes at once; what arrives during a batch goes together in the next, a window after", async () => {
    const windowMs = 1500;
    const [a, b, c] = [replica("a", { windowMs }), replica("b", { windowMs }), replica("c", { windowMs })];
    recorder.hold = true;
    const queuedAt = Date.now();
    await a.queue.enqueue(1, REPO, buildItem("lone"));
    await recorder.started_(1);
    // The key ran no batch within its window: no waiting for company (the bound is the window itself).
    expect(recorder.batches[0]!.start - queuedAt).toBeLessThan(windowMs);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => [a, b, c][i % 3]!.queue.enqueue(1, REPO, buildItem(`burst-${i}`))),
    );
    const figures = await c.queue.figures();
    expect(figures.depth).toBe(40);
    expect(figures.oldestAgeMs).toBeGreaterThanOrEqual(0);
    recorder.release();
    await b.queue.idle();
    expect(recorder.batches.map((batch) => batch.ids.length)).toEqual([1, 40]);
    const [first, second] = recorder.batches;
    expect(second!.start - first!.end!).toBeGreaterThanOrEqual(windowMs - 50);
  });

  test("a command's result reaches the replica that asked when another replica ran it", async () => {
    const [a, b] = [replica("a", { concurrency: 1 }), replica("b", { concurrency: 1 })];
    recorder.hold = true;
    // One replica is busy with a batch of another repository (one batch at a time each here)...
    await a.queue.enqueue(1, manifests("busy"), buildItem("busy"));
    await recorder.started_(1);
    const busy = recorder.batches[0]!.replica === "a" ? a : b;
    const other = busy === a ? b : a;
    // ...so the command it queues is run by the other one, and its answer comes back to the asker.
    const answered = new Promise<CommandResult>(
      (settle) => void busy.queue.enqueue(1, REPO, commandItem("retag-1", REPO, settle)),
    );
    await recorder.started_(2);
    expect(recorder.batches[1]).toMatchObject({ replica: other.name, ids: ["retag-1"] });
    recorder.release();
    await expect(answered).resolves.toEqual({ kind: "failed", message: `ran on ${other.name}` });
  });

  test("a replica killed mid-batch (SIGKILL): another runs its batch, then what waited", async () => {
    // The doomed replica is alone when its batch starts, so the batch is surely its own.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "test/fleet/fixtures/deploy-replica.ts", server.url, "x1", "x2"],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    try {
      await lineFrom(child, (line) => line.startsWith("running"));
      const survivor = replica("survivor");
      await survivor.queue.enqueue(1, REPO, buildItem("after-crash"));
      const killedAt = Date.now();
      child.kill("SIGKILL");
      await survivor.queue.idle();
      const recovered = recorder.batches[0]!;
      expect(recovered.replica).toBe("survivor");
      // The in-flight batch first, whole; then the item that waited behind it.
      expect(recorder.batches.map((batch) => batch.ids)).toEqual([["x1", "x2"], ["after-crash"]]);
      // Bounded by the lock and two stalled checks (2 s + 2 x 1 s here; 10 s + 2 x 5 s by default).
      expect(recovered.start - killedAt).toBeLessThan(30_000);
    } finally {
      child.kill("SIGKILL");
    }
  });

  test("close finishes the running batch and takes no new one", async () => {
    const leaving = replica("leaving");
    recorder.hold = true;
    await leaving.queue.enqueue(1, REPO, buildItem("running"));
    await recorder.started_(1);
    const closed = leaving.queue.close();
    let closedAt: number | undefined;
    void closed.then(() => (closedAt = Date.now()));
    await leaving.queue.enqueue(1, manifests("other"), buildItem("later")).catch(() => undefined);
    const staying = replica("staying");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(closedAt).toBeUndefined();
    recorder.release();
    await closed;
    expect(recorder.batches[0]!.end).toBeLessThanOrEqual(closedAt!);
    await staying.queue.idle();
    expect(recorder.batches.map((batch) => [batch.replica, batch.ids])).toEqual([
      ["leaving", ["running"]],
      ["staying", ["later"]],
    ]);
  });

  test("Redis gone: enqueue rejects (the caller answers 503); back: queued items run again", async () => {
    const a = replica("a");
    await a.queue.enqueue(1, REPO, buildItem("before"));
    await a.queue.idle();
    await server.kill();
    try {
      await expect(a.queue.enqueue(1, REPO, buildItem("during"))).rejects.toThrow();
      // A command is refused the same way: its caller (CommandRunner) answers from the rejection.
      await expect(
        a.queue.enqueue(
          1,
          REPO,
          commandItem("freeze-1", REPO, () => undefined),
        ),
      ).rejects.toThrow();
    } finally {
      await server.restart();
    }
    // Redis back (empty: nothing was persisted): the replica queues and runs again.
    for (;;) {
      const queued = await a.queue.enqueue(1, REPO, buildItem("after")).then(
        () => true,
        () => false,
      );
      if (queued) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await a.queue.idle();
    expect(recorder.ids()).toEqual(["before", "after"]);
  });
});

function lineFrom(child: ChildProcess, wanted: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      if (wanted(line)) resolve(line);
    });
    child.once("exit", (code) => reject(new Error(`the replica exited (${code}) before its batch started`)));
  });
}
