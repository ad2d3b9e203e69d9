// A benchmark figure's target, and whether a measurement meets it. A figure measured over several runs
// is reported as the median; the target is judged on the median, and, for a figure that must hold every
// time (`everyRun`: updates lost, refusals), on each run.

export interface Target {
  readonly op: "<=" | "<" | "=" | ">=";
  readonly value: number;
  /** The target must hold in every run, not only for the median (correctness, not speed). */
  readonly everyRun?: boolean;
}

export interface Judgement {
  readonly met: boolean;
  /** 1-based numbers of the runs that missed the target. */
  readonly missedRuns: number[];
}

export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  switch (target.op) {
    case "<=":
      return value <= target.value;
    case "<":
      return value < target.value;
    case "=":
      return value === target.value;
    case ">=":
      return value >= target.value;
  }
}

export function describeTarget(target: Target): string {
  return `${target.op} ${target.value.toLocaleString("en")}${target.everyRun ? " (every run)" : ""}`;
}

export function judge(value: number, target: Target, runs: readonly number[] = []): Judgement {
  const missedRuns = runs.flatMap((run, index) => (meets(run, target) ? [] : [index + 1]));
  const met = meets(value, target) && (!target.everyRun || missedRuns.length === 0);
  return { met, missedRuns };
}

/** The middle value (the lower middle of an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  return [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
}
