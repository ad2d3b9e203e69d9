/** Thrown by the edit helpers when a value cannot be changed by replacing its text alone. */
export class UnsupportedEdit extends Error {
  constructor(
    readonly detail: string,
    readonly offset: number,
  ) {
    super(detail);
    this.name = "UnsupportedEdit";
  }
}
