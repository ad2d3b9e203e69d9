const FULL_SHA = /^[0-9a-f]{40}$/i;

/** Whether `value` is a commit's full SHA (40 hex digits, either case): not an abbreviation, not a tag. */
export function isFullSha(value: string): boolean {
  return FULL_SHA.test(value);
}
