export function shortSha(sha: string | undefined): string {
  return sha === undefined ? "?" : sha.slice(0, 7);
}
