import { splitDomain } from "./validate-parts.js";

const DOCKER_HUB = "docker.io";
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/**
 * The fully qualified form used to decide whether two names denote the same repository:
 * `nginx`, `library/nginx` and `docker.io/library/nginx` are one image.
 */
export function normalizeImageName(name: string): string {
  const { domain, path } = splitDomain(name);
  if (domain === undefined || DOCKER_HUB_ALIASES.has(domain)) {
    return `${DOCKER_HUB}/${path.includes("/") ? path : `library/${path}`}`;
  }
  return `${domain}/${path}`;
}

export function sameImageName(a: string, b: string): boolean {
  return a === b || normalizeImageName(a) === normalizeImageName(b);
}
