/** `sources[0].tag`, `environments.prod.paths[1]` */
export function dotted(path: readonly PropertyKey[]): string {
  return path
    .map((segment, i) =>
      typeof segment === "number" ? `[${segment}]` : `${i === 0 ? "" : "."}${String(segment)}`,
    )
    .join("");
}
