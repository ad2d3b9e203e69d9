/** A problem with one value, before it is placed at a file, line and column. */
export interface Finding {
  message: string;
  fix: string;
}
