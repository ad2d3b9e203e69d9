// Benchmarks: `npm run bench` runs them all, `npm run bench:rewrite` one. Figures go to
// bench/results.json and, by hand with context, to docs/performance.md. A figure with a target is
// judged here: the run ends with exit code 1, after writing the results, when any target is missed.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { appBenchmarks } from "./app.bench.js";
import { rewriteBenchmarks } from "./rewrite.bench.js";
import { reconcileBenchmarks } from "./reconcile.bench.js";
import { oversizeBenchmarks } from "./oversize.bench.js";
import { feedbackBenchmarks } from "./feedback.bench.js";
import { fleetBenchmarks } from "./fleet.bench.js";
import { describeTarget, judge, type Target } from "./targets.js";

export interface Measurement {
  readonly key: string;
  readonly label: string;
  /** The figure; for a figure measured in several runs, their median. */
  readonly value: number;
  readonly unit: string;
  /** Each run's value, when the figure is the median of several runs. */
  readonly runs?: readonly number[];
  readonly target?: Target;
}

const suites: Record<string, () => Measurement[] | Promise<Measurement[]>> = {
  rewrite: rewriteBenchmarks,
  app: appBenchmarks,
  reconcile: reconcileBenchmarks,
  oversize: oversizeBenchmarks,
  feedback: feedbackBenchmarks,
  fleet: fleetBenchmarks,
};
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? Object.keys(suites) : wanted;
const resultsPath = new URL("./results.json", import.meta.url);

type Results = Record<string, unknown> & {
  labels?: Record<string, string>;
  runs?: Record<string, readonly number[]>;
  targets?: Record<string, { target: string; met: boolean; missedRuns?: number[] }>;
  measured?: Record<string, { date: string; node: string; cpu: string; loadAverage: number[] }>;
};

function previousResults(): Results {
  try {
    return JSON.parse(readFileSync(resultsPath, "utf8")) as Results;
  } catch {
    return {};
  }
}
const results = previousResults();
const labels = (results.labels ??= {});
const runs = (results.runs ??= {});
const targets = (results.targets ??= {});
const measured = (results.measured ??= {});
const cpu = `${cpus()[0]?.model ?? "unknown cpu"}, ${cpus().length} cores`;
const format = (value: number) => value.toLocaleString("en");
const missed: string[] = [];
console.log(`node ${process.version}, ${cpu}, single thread`);
for (const name of chosen) {
  const suite = suites[name];
  if (suite === undefined)
    throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(", ")}`);
  for (const m of await suite()) {
    const spread =
      m.runs === undefined
        ? ""
        : ` (median of ${m.runs.length}: ${m.runs.map(format).join(", ")}; spread ${format(Math.min(...m.runs))}-${format(Math.max(...m.runs))})`;
    let verdict = "";
    if (m.target !== undefined) {
      const { met, missedRuns } = judge(m.value, m.target, m.runs);
      const inRuns = missedRuns.length > 0 ? `, missed in run ${missedRuns.join(", ")}` : "";
      verdict = ` [target ${describeTarget(m.target)}: ${met ? "met" : "MISSED"}${inRuns}]`;
      targets[m.key] = {
        target: describeTarget(m.target),
        met,
        ...(missedRuns.length > 0 ? { missedRuns } : {}),
      };
      if (!met) missed.push(`${m.key} = ${format(m.value)} (target ${describeTarget(m.target)})`);
    } else Reflect.deleteProperty(targets, m.key);
    console.log(`${m.label}: ${format(m.value)} ${m.unit}${spread}${verdict}`);
    results[m.key] = m.value;
    const notes = [m.unit, m.runs === undefined ? "" : `median of ${m.runs.length} runs`].filter(Boolean);
    labels[m.key] = notes.length === 0 ? m.label.trim() : `${m.label.trim()} (${notes.join(", ")})`;
    if (m.runs === undefined) Reflect.deleteProperty(runs, m.key);
    else runs[m.key] = m.runs;
  }
  // The machine's 1, 5 and 15-minute load averages when the suite ended: a shared machine's load shows.
  const loadAverage = loadavg().map((load) => Math.round(load * 100) / 100);
  measured[name] = { date: new Date().toISOString(), node: process.version, cpu, loadAverage };
}
// The figures first, then what describes them.
const described = new Set(["labels", "runs", "targets", "measured"]);
const ordered = Object.fromEntries([
  ...Object.entries(results).filter(([key]) => !described.has(key)),
  ...[...described].map((key) => [key, results[key]]),
]);
// Arrays of numbers (each run's value) on one line, as Prettier prints them.
const json = JSON.stringify(ordered, null, 2).replace(
  /\[\n\s+([-\d.,\s]*?)\n\s*\]/g,
  (_, items: string) => `[${items.split(/,\s*/).join(", ")}]`,
);
writeFileSync(resultsPath, `${json}\n`);
if (missed.length > 0) console.error(`\nTargets missed:\n  ${missed.join("\n  ")}`);
// The app bench may leave the app's pacer waiting (an hour's window) after its harness closed.
process.exit(missed.length > 0 ? 1 : 0);
