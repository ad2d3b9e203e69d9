import { describeTarget, judge, median, meets } from "../../bench/targets.js";

test("a figure meets its target by the target's comparison; NaN never does", () => {
  expect(meets(79, { op: "<", value: 80 })).toBe(true);
  expect(meets(80, { op: "<", value: 80 })).toBe(false);
  expect(meets(15, { op: "<=", value: 15 })).toBe(true);
  expect(meets(16, { op: "<=", value: 15 })).toBe(false);
  expect(meets(0, { op: "=", value: 0 })).toBe(true);
  expect(meets(1, { op: "=", value: 0 })).toBe(false);
  expect(meets(90, { op: ">=", value: 90 })).toBe(true);
  expect(meets(Number.NaN, { op: "<=", value: 15 })).toBe(false);
});

test("the median is judged, and a correctness target must hold in every run", () => {
  const p95 = { op: "<=", value: 20_000 } as const;
  expect(judge(median([15_000, 25_000, 16_000]), p95, [15_000, 25_000, 16_000])).toEqual({
    met: true,
    missedRuns: [2],
  });
  const none = { op: "=", value: 0, everyRun: true } as const;
  expect(judge(median([0, 3, 0]), none, [0, 3, 0])).toEqual({ met: false, missedRuns: [2] });
  expect(judge(0, none, [0, 0, 0])).toEqual({ met: true, missedRuns: [] });
  expect(describeTarget(none)).toBe("= 0 (every run)");
});

test("the median of an odd count is the middle value, of an even count the lower middle", () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 3, 2])).toBe(2);
  expect(median([])).toBeNaN();
});
