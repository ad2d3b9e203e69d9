import { sourceName } from "./build.js";
import type { Wanted } from "./wanted.js";

/**
 * The same build twice (a redelivery with a new delivery id, a re-run, a webhook and a reconciliation
 * pass finding the same commit) is one build: automatic builds of one repository, commit, image, tag
 * and digest collapse into the first, so a build is never reported as superseded by itself. Where one
 * copy is limited to some environments (`only`) and another is not, the build goes everywhere it may.
 * What a person asked for is kept as it is: each command is answered on its own.
 */
export function onePerBuild(wanted: readonly Wanted[]): Wanted[] {
  const kept: Wanted[] = [];
  const byKey = new Map<string, number>();
  for (const entry of wanted) {
    if (entry.explicit || entry.build.sha === undefined) {
      kept.push(entry);
      continue;
    }
    const key = [
      sourceName(entry.build.repository).toLowerCase(),
      entry.build.sha,
      entry.image,
      entry.tag,
      entry.digest ?? "",
    ].join("\u0000");
    const at = byKey.get(key);
    const first = at === undefined ? undefined : kept[at];
    if (at === undefined || first === undefined) {
      byKey.set(key, kept.length);
      kept.push(entry);
      continue;
    }
    if (first.only === undefined) continue;
    const only = entry.only === undefined ? undefined : [...new Set([...first.only, ...entry.only])];
    kept[at] = { ...first, only };
  }
  return kept;
}
