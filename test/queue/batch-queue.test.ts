// The per-repository batching: a lone item starts at once, what arrives while a batch runs forms the next
// batch a window after it; under a mass rebuild batches have a size limit, the rest waits for the key's
// next batch (started at once, without a new window), and what waits is bounded.
import { afterEach, beforeEach, expect, jest, test } from "@jest/globals";
import { BatchQueue } from "../../src/queue/batch-queue.js";

beforeEach(() => void jest.useFakeTimers({ now: 0 }));
afterEach(() => void jest.useRealTimers());

test("a burst larger than the batch limit splits into batches in arrival order, none lost", async () => {
  const batches: { at: number; items: number[] }[] = [];
  const queue = new BatchQueue<number>(
    async (_key, items) => {
      batches.push({ at: Date.now(), items });
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
    () => 2000,
    () => undefined,
    { maxBatch: 200, maxWaiting: 1000 },
  );
  for (let i = 0; i < 450; i++) queue.add("repo", i);
  await jest.advanceTimersByTimeAsync(100);
  expect(batches.map((batch) => batch.items.length)).toEqual([200]);
  // 40 more arrive while the first batch runs: they queue behind the 250 already waiting.
  for (let i = 450; i < 490; i++) queue.add("repo", i);
  // The first batch started at once (the key was idle); the next full batch starts as the first ends (a
  // timer's 1 ms), not a window later; the last 90 are fewer than a batch: they wait a window for
  // company, then run.
  await jest.advanceTimersByTimeAsync(5000);
  expect(batches.map((batch) => [batch.at, batch.items.length])).toEqual([
    [0, 200],
    [501, 200],
    [1001 + 2000, 90],
  ]);
  expect(batches.flatMap((batch) => batch.items)).toEqual(Array.from({ length: 490 }, (_, i) => i));
  await jest.advanceTimersByTimeAsync(500);
  await expect(queue.idle()).resolves.toBeUndefined();
  expect(queue.depth).toBe(0);
});

test("beyond the waiting limit an item is refused and said so, and the key's queue stays bounded", async () => {
  const refused: number[] = [];
  const ran: number[] = [];
  const queue = new BatchQueue<number>(
    async (_key, items) => void ran.push(...items),
    () => 1000,
    () => undefined,
    { maxBatch: 2, maxWaiting: 3, onRefused: (_key, item) => refused.push(item) },
  );
  expect([1, 2, 3, 4, 5].map((item) => queue.add("a", item))).toEqual([true, true, true, false, false]);
  expect(queue.add("b", 6)).toBe(true);
  expect(refused).toEqual([4, 5]);
  expect(queue.depth).toBe(4);
  await jest.advanceTimersByTimeAsync(2000);
  expect(ran.sort()).toEqual([1, 2, 3, 6]);
});

/** A queue whose batches take `runMs` each, with a window of `windowMs`, recording when each started. */
function timedQueue(windowMs: number, runMs: number) {
  const batches: { key: string; at: number; items: number[] }[] = [];
  const queue = new BatchQueue<number>(
    async (key, items) => {
      batches.push({ key, at: Date.now(), items });
      await new Promise((resolve) => setTimeout(resolve, runMs));
    },
    () => windowMs,
    () => undefined,
  );
  return { queue, batches };
}

test("an item for an idle key starts at once; what arrives while it runs is the next batch, a window after", async () => {
  const { queue, batches } = timedQueue(2000, 300);
  queue.add("repo", 1);
  await jest.advanceTimersByTimeAsync(0);
  expect(batches).toEqual([{ key: "repo", at: 0, items: [1] }]);
  // Three more while the first batch is being written: they wait for it, and for the window after it.
  for (const item of [2, 3, 4]) {
    await jest.advanceTimersByTimeAsync(50);
    queue.add("repo", item);
  }
  await jest.advanceTimersByTimeAsync(300 + 2000);
  expect(batches.map((batch) => [batch.at, batch.items])).toEqual([
    [0, [1]],
    [300 + 2000, [2, 3, 4]],
  ]);
  await jest.advanceTimersByTimeAsync(300);
  await expect(queue.idle()).resolves.toBeUndefined();
});

test("a key written within its window waits out the rest of it; after the window an item starts at once", async () => {
  const { queue, batches } = timedQueue(2000, 100);
  queue.add("repo", 1);
  await jest.advanceTimersByTimeAsync(100); // written: ended at 100
  await jest.advanceTimersByTimeAsync(400);
  queue.add("repo", 2); // 500 ms after the write: waits until 100 + 2000
  // Another key is not held back by the first one's window.
  queue.add("other", 9);
  await jest.advanceTimersByTimeAsync(0);
  expect(batches.map((batch) => [batch.key, batch.at])).toEqual([
    ["repo", 0],
    ["other", 500],
  ]);
  await jest.advanceTimersByTimeAsync(2000);
  expect(batches.map((batch) => [batch.key, batch.at])).toEqual([
    ["repo", 0],
    ["other", 500],
    ["repo", 2100],
  ]);
  // Quiet for longer than the window: the next item goes at once.
  await jest.advanceTimersByTimeAsync(5000);
  queue.add("repo", 3);
  await jest.advanceTimersByTimeAsync(0);
  expect(batches.at(-1)).toEqual({ key: "repo", at: 7500, items: [3] });
});

test("a window of 0: the next batch starts as soon as the current one ends", async () => {
  const { queue, batches } = timedQueue(0, 300);
  queue.add("repo", 1);
  await jest.advanceTimersByTimeAsync(100);
  queue.add("repo", 2);
  queue.add("repo", 3);
  await jest.advanceTimersByTimeAsync(1000);
  expect(batches.map((batch) => [batch.at, batch.items])).toEqual([
    [0, [1]],
    [301, [2, 3]], // a timer of 0 fires after 1 ms
  ]);
});

test("idle() waits for the running batch and the one queued behind it, not for the window after", async () => {
  const { queue, batches } = timedQueue(2000, 300);
  queue.add("repo", 1);
  queue.add("repo", 2);
  await jest.advanceTimersByTimeAsync(0);
  queue.add("repo", 3);
  let idle = false;
  void queue.idle().then(() => (idle = true));
  await jest.advanceTimersByTimeAsync(300 + 2000 + 299);
  expect(idle).toBe(false);
  await jest.advanceTimersByTimeAsync(1);
  expect(idle).toBe(true);
  expect(batches.map((batch) => batch.items)).toEqual([[1, 2], [3]]);
});

test("the oldest waiting item's age is known; a running item no longer waits", async () => {
  const queue = new BatchQueue<number>(
    () => new Promise((resolve) => setTimeout(resolve, 1000)),
    () => 2000,
    () => undefined,
  );
  expect(queue.oldestAddedAt).toBeUndefined();
  queue.add("repo", 1);
  await jest.advanceTimersByTimeAsync(10);
  // The first item runs at once; the next two wait.
  queue.add("repo", 2);
  await jest.advanceTimersByTimeAsync(100);
  queue.add("other", 3);
  expect(queue.oldestAddedAt).toBe(10);
  expect(queue.depth).toBe(2);
  await jest.advanceTimersByTimeAsync(5000);
  expect(queue.oldestAddedAt).toBeUndefined();
});

test("close waits for the running batch and starts no other", async () => {
  const ran: number[][] = [];
  const queue = new BatchQueue<number>(
    async (_key, items) => {
      ran.push(items);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    },
    () => 2000,
    () => undefined,
  );
  queue.add("repo", 1);
  await jest.advanceTimersByTimeAsync(10);
  queue.add("repo", 2);
  let closed = false;
  void queue.close().then(() => (closed = true));
  await jest.advanceTimersByTimeAsync(500);
  expect(closed).toBe(false);
  await jest.advanceTimersByTimeAsync(10_000);
  expect(closed).toBe(true);
  expect(ran).toEqual([[1]]);
});
