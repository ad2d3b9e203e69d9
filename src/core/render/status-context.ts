/**
 * The commit status context for an environment: `gitops-image-bot/<env>`, and for an image of a source
 * that builds several (a monorepo: its images share commits) `gitops-image-bot/<env>/<image>`, so one
 * image's status never overwrites another's. A single-image source keeps the plain context that branch
 * protection rules may require.
 */
export function statusContext(environment: string, part: string | undefined): string {
  return part === undefined ? `gitops-image-bot/${environment}` : `gitops-image-bot/${environment}/${part}`;
}
