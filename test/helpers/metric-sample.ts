/**
 * The value of one series in a Prometheus text exposition: the sample named `name` whose labels are
 * exactly `labels`, whatever their order, plus the replica's label (which the app's own Metrics put on
 * every series: `replica` is matched when given, ignored when not). Undefined when no sample matches.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (!("replica" in labels)) delete found["replica"];
    const keys = Object.keys(found);
    if (keys.length === Object.keys(labels).length && keys.every((key) => found[key] === labels[key]))
      return Number(match[3]);
  }
  return undefined;
}
