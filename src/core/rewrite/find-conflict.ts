import type { Change } from "./rewrite-types.js";

/** Two requested images that resolve to the same value (`nginx` and `docker.io/library/nginx`). */
export function findConflict(changes: readonly Change[]): { first: Change; second: Change } | undefined {
  const owners = new Map<string, Change>();
  for (const change of changes) {
    const key = `${change.docIndex}:${JSON.stringify(change.path)}`;
    const owner = owners.get(key);
    if (owner !== undefined && owner.image !== change.image) return { first: owner, second: change };
    owners.set(key, change);
  }
  return undefined;
}
