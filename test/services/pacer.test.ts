import { jest } from "@jest/globals";
import { Pacer } from "../../src/services/pacer.js";
import { BatchQueue } from "../../src/queue/batch-queue.js";

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

test("the pacer lets `perMinute` writes through, then waits for the window to slide", async () => {
  const pacer = new Pacer(3, 100, Date.now);
  const sent: number[] = [];
  const takes = Array.from({ length: 5 }, () => pacer.take(true).then(() => sent.push(Date.now())));
  await jest.advanceTimersByTimeAsync(0);
  expect(sent).toEqual([0, 0, 0]);
  await jest.advanceTimersByTimeAsync(60_000);
  await Promise.all(takes);
  expect(sent).toEqual([0, 0, 0, 60_000, 60_000]);
});

test("writes jump ahead of waiting reports", async () => {
  const pacer = new Pacer(1, 100, Date.now);
  const order: string[] = [];
  await pacer.take();
  const report = pacer.take().then(() => order.push("report"));
  const write = pacer.take(true).then(() => order.push("write"));
  await jest.advanceTimersByTimeAsync(60_000);
  await write;
  expect(order).toEqual(["write"]);
  await jest.advanceTimersByTimeAsync(60_000);
  await report;
  expect(order).toEqual(["write", "report"]);
});

test("reports use two thirds of the budget, keeping the rest for writes", async () => {
  const pacer = new Pacer(3, 100, Date.now);
  const sent: string[] = [];
  const reports = Array.from({ length: 3 }, (_, i) => pacer.take().then(() => sent.push(`report ${i}`)));
  await jest.advanceTimersByTimeAsync(0);
  expect(sent).toEqual(["report 0", "report 1"]);
  await pacer.take(true);
  sent.push("write");
  expect(sent).toEqual(["report 0", "report 1", "write"]);
  await jest.advanceTimersByTimeAsync(60_000);
  await Promise.all(reports);
  expect(sent).toEqual(["report 0", "report 1", "write", "report 2"]);
});

test("replies and reactions use a third of the window for themselves, behind writes and reports", async () => {
  const pacer = new Pacer(12, 100, Date.now);
  const sent: string[] = [];
  const replies = Array.from({ length: 5 }, (_, i) =>
    pacer.take("reply").then(() => sent.push(`reply ${i}`)),
  );
  await jest.advanceTimersByTimeAsync(0);
  expect(sent).toEqual(["reply 0", "reply 1", "reply 2", "reply 3"]); // 12 / 3
  // Writes still go at once, ahead of the waiting replies; a report goes while the window is not
  // two thirds used (8 of 12), and then neither reports nor replies go.
  const report = pacer.take().then(() => sent.push("report 0"));
  const writes = Array.from({ length: 4 }, (_, i) => pacer.take(true).then(() => sent.push(`write ${i}`)));
  const late = pacer.take().then(() => sent.push("report 1"));
  await jest.advanceTimersByTimeAsync(0);
  await Promise.all([report, ...writes]);
  expect(sent.slice(4)).toEqual(["report 0", "write 0", "write 1", "write 2", "write 3"]);
  await jest.advanceTimersByTimeAsync(60_000);
  await Promise.all([...replies, late]);
  expect(sent.slice(9)).toEqual(["report 1", "reply 4"]);
});

test("a closed pacer sends nothing more and leaves no timer", async () => {
  const pacer = new Pacer(1, 100, Date.now);
  await pacer.take(true);
  let sent = false;
  void pacer.take(true).then(() => (sent = true));
  pacer.close();
  void pacer.take(true).then(() => (sent = true));
  expect(jest.getTimerCount()).toBe(0);
  await jest.advanceTimersByTimeAsync(120_000);
  expect(sent).toBe(false);
});

test("the hourly budget holds even when the minute allows more", async () => {
  const pacer = new Pacer(10, 4, Date.now);
  const sent: number[] = [];
  const takes = Array.from({ length: 5 }, () => pacer.take(true).then(() => sent.push(Date.now())));
  await jest.advanceTimersByTimeAsync(3_600_000);
  await Promise.all(takes);
  expect(sent).toEqual([0, 0, 0, 0, 3_600_000]);
});

test("the queue runs an idle key's item at once, coalesces what follows within the window, runs keys independently", async () => {
  const batches: [string, number[], number][] = [];
  const queue = new BatchQueue<number>(
    async (key, items) => {
      batches.push([key, items, Date.now()]);
    },
    () => 2000,
    () => undefined,
  );
  queue.add("a", 1);
  await jest.advanceTimersByTimeAsync(1);
  expect(batches).toEqual([["a", [1], 0]]);
  await jest.advanceTimersByTimeAsync(999);
  queue.add("a", 2);
  queue.add("b", 3);
  queue.add("a", 4);
  await jest.advanceTimersByTimeAsync(1);
  expect(batches).toEqual([
    ["a", [1], 0],
    ["b", [3], 1000],
  ]);
  await jest.advanceTimersByTimeAsync(1000);
  expect(batches).toEqual([
    ["a", [1], 0],
    ["b", [3], 1000],
    ["a", [2, 4], 2000],
  ]);
  const idle = queue.idle();
  await jest.advanceTimersByTimeAsync(0);
  await expect(idle).resolves.toBeUndefined();
});
