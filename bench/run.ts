// Benchmarks: `npm run bench` runs them all, `npm run bench:rewrite` one. Figures go to
// bench/results.json and, by hand with context, to docs/performance.md.
import { readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { appBenchmarks } from "./app.bench.js";
import { rewriteBenchmarks } from "./rewrite.bench.js";
import { reconcileBenchmarks } from "./reconcile.bench.js";

export interface Measurement {
  readonly key: string;
  readonly label: string;
  readonly value: number;
  readonly unit: string;
}

const suites: Record<string, () => Measurement[] | Promise<Measurement[]>> = {
  rewrite: rewriteBenchmarks,
  app: appBenchmarks,
  reconcile: reconcileBenchmarks,
};
const wanted = process.argv.slice(2);
const chosen = wanted.length === 0 ? Object.keys(suites) : wanted;
const resultsPath = new URL("./results.json", import.meta.url);

function previousResults(): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(resultsPath, "utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}
const results = previousResults();
console.log(`node ${process.version}, ${cpus()[0]?.model ?? "unknown cpu"}, single thread`);
for (const name of chosen) {
  const suite = suites[name];
  if (suite === undefined)
    throw new Error(`unknown benchmark "${name}"; known: ${Object.keys(suites).join(", ")}`);
  for (const measurement of await suite()) {
    console.log(`${measurement.label}: ${measurement.value.toLocaleString("en")} ${measurement.unit}`);
    results[measurement.key] = measurement.value;
  }
}
writeFileSync(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
// The app bench may leave the app's pacer waiting (an hour's window) after its harness closed.
process.exit(0);
