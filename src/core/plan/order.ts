import semver from "semver";
import { valuesFromTag } from "../../config/sha-from-tag.js";
import type { Order } from "../../config/config.js";
import type { Comparison } from "./verdict.js";

/**
 * Where `candidateTag` stands against `deployedTag` by the source's order when that order is read from
 * the tags themselves (`build-number`: the `{build}` number; `semver`: the `{version}`): "ahead" when
 * the candidate is newer, "behind" when older, "identical" when equal, "unknown" when either tag does
 * not carry the value (a hand-written tag, a tag from before the template changed). Ancestry is
 * GitHub's to tell (`compare`), never this function's.
 */
export function compareTags(
  order: Exclude<Order, "ancestry">,
  template: string,
  deployedTag: string,
  candidateTag: string,
): Comparison {
  const deployed = valuesFromTag(template, deployedTag);
  const candidate = valuesFromTag(template, candidateTag);
  if (order === "build-number") {
    if (deployed?.build === undefined || candidate?.build === undefined) return "unknown";
    return sign(candidate.build - deployed.build);
  }
  if (deployed?.version === undefined || candidate?.version === undefined) return "unknown";
  return sign(semver.compare(candidate.version, deployed.version));
}

function sign(difference: number): Comparison {
  return difference > 0 ? "ahead" : difference < 0 ? "behind" : "identical";
}

/** The value the order reads from a tag, for messages: `#42`, `v1.4.2`. */
export function orderValue(order: Exclude<Order, "ancestry">, template: string, tag: string): string {
  const values = valuesFromTag(template, tag);
  if (order === "build-number") return values?.build === undefined ? tag : `build ${values.build}`;
  return values?.version ?? tag;
}
