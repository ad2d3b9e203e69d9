// The per-repository batching under a mass rebuild: batches have a size limit, the rest waits for the
// key's next batch (started at once, without a new window), and what waits is bounded.
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
  await jest.advanceTimersByTimeAsync(2000);
  expect(batches.map((batch) => batch.items.length)).toEqual([200]);
  // 40 more arrive while the first batch runs: they queue behind the 250 already waiting.
  for (let i = 450; i < 490; i++) queue.add("repo", i);
  // The next full batch starts as the first ends (a timer's 1 ms), not a window later; the last 90 are
  // fewer than a batch: they wait a window for company, then run.
  await jest.advanceTimersByTimeAsync(5000);
  expect(batches.map((batch) => [batch.at, batch.items.length])).toEqual([
    [2000, 200],
    [2501, 200],
    [3001 + 2000, 90],
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
