/** Where registries that cannot sign post their pushes, the secret as the last path segment. */
export const REGISTRY_PREFIX = "/api/registry/";

/**
 * `/api/registry/dockerhub/<secret>` -> `/api/registry/dockerhub/[redacted]`: what the server's log may
 * show of a registry endpoint's URL (Probot's HTTP log writes every request's URL). Everything after the
 * registry's name goes, whatever it is; other URLs are returned as they are.
 */
export function redactRegistryPath(url: string): string {
  if (!url.startsWith(REGISTRY_PREFIX)) return url;
  return url.replace(/^(\/api\/registry\/[^/?#]*\/)[^?#]*/, "$1[redacted]").replace(/\?.*$/, "");
}
