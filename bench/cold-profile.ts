// The first update after the app starts, profiled: every request the twin received, when it started
// (counted, after the query was parsed) and ended, then when the commit landed. `npm run build` first;
// `npx tsx bench/cold-profile.ts` (300 services, 300 source repositories, 100 ms per request).
import { startRig } from "./app.bench.js";
import { serviceNames } from "../twin/fixtures/manifests-repo.js";

const names = serviceNames(300);
const rig = await startRig(300, names, 100);
const counters = rig.harness.twin.counters;
const log: Array<{ at: number; route: string; end?: number; inFlight?: number }> = [];
let inFlight = 0;
Object.defineProperty(counters, "inFlight", {
  get: () => inFlight,
  set: (value: number) => {
    if (value < inFlight) {
      const open = log.filter((entry) => entry.end === undefined);
      // the oldest open request ended (approximation: requests mostly end in order)
      if (open[0]) open[0].end = Date.now();
    }
    inFlight = value;
  },
});
const set = counters.byRoute.set.bind(counters.byRoute);
counters.byRoute.set = (route, n) => {
  log.push({ at: Date.now(), route: String(route), inFlight });
  return set(route, n);
};
try {
  counters.reset();
  const sha = await rig.commitSource(names[0]!);
  const build = rig.sendBuild(names[0]!, sha);
  await build.sent;
  const sentAt = build.sentAt;
  await rig.harness.idle();
  const committed = rig.committedAt.get(build.id)!;
  for (const entry of log)
    console.log(
      `${String(entry.at - sentAt).padStart(6)} ms -> ${String((entry.end ?? 0) - sentAt).padStart(6)} ms (in flight ${entry.inFlight})  ${entry.route}`,
    );
  console.log(
    `commit at ${committed - sentAt} ms; idle at ${Date.now() - sentAt} ms; ${counters.total} requests`,
  );
  console.log(JSON.stringify(counters.snapshot().byRoute));
} finally {
  await rig.harness.close();
}
