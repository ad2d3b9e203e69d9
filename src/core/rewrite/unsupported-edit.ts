/**
 * Thrown while planning one image when a value cannot be changed by replacing its text alone; the
 * image's edits are discarded and it becomes a skip with this reason (see PlanBuilder.attempt).
 */
export class UnsupportedEdit extends Error {
  constructor(
    readonly detail: string,
    readonly offset: number,
    readonly reason: "unsupported-yaml" | "digest-not-supported" = "unsupported-yaml",
  ) {
    super(detail);
    this.name = "UnsupportedEdit";
  }
}
