/**
 * The last part of an image's name (`ghcr.io/acme/shop-api` -> `shop-api`), in lower case: how commands,
 * the dashboard and commit statuses name one image of a source that builds several (a monorepo).
 */
export function imagePart(image: string): string {
  return image.split("/").pop()?.toLowerCase() ?? image.toLowerCase();
}
