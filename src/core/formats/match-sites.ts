import { isGiven, sameImageName, type ImageUpdate } from "../image-ref/index.js";

/**
 * The places that refer to the update's image. When none do but a new name is requested and the file
 * already names that image, the rename was applied before: match those, so a re-run is a no-op.
 */
export function matchSites<T>(sites: readonly T[], nameOf: (site: T) => string, update: ImageUpdate): T[] {
  const byName = sites.filter((site) => sameImageName(nameOf(site), update.name));
  const { newName } = update;
  if (byName.length > 0 || !isGiven(newName)) return byName;
  return sites.filter((site) => sameImageName(nameOf(site), newName));
}
