import type { Order } from "../../config/config.js";
import { compareTags, orderValue } from "./order.js";
import type { PlanSkip } from "./skip.js";

/** GitHub's compare status of `deployed...candidate`, or "unknown" when either commit is not found. */
export type Comparison = "ahead" | "behind" | "identical" | "diverged" | "unknown";

export type Verdict =
  { readonly accept: true; readonly note?: string } | { readonly accept: false; readonly skip: PlanSkip };

/**
 * The ordering guard: a candidate build may replace the deployed one only if it descends from it.
 * `deployedSha` is undefined when the deployed tag was not made by the tag template (first deploy, a
 * hand-written tag): then there is nothing to order against and the build is accepted.
 */
export function judgeBuild(deployedSha: string | undefined, comparison: Comparison | undefined): Verdict {
  if (deployedSha === undefined)
    return { accept: true, note: "the deployed tag was not made from a commit SHA" };
  switch (comparison) {
    case "ahead":
      return { accept: true };
    case "identical":
      return { accept: false, skip: { reason: "already-deployed" } };
    case "behind":
      return { accept: false, skip: { reason: "older-than-deployed", deployedSha } };
    case "diverged":
      return { accept: false, skip: { reason: "diverged-from-deployed", deployedSha } };
    default:
      return { accept: true, note: `the deployed commit ${deployedSha} is not in the source repository` };
  }
}

/**
 * The ordering guard for a source ordered by its tags (`build-number`, `semver`): a candidate may
 * replace the deployed tag only if its number or version is higher. A deployed tag that carries none
 * (none yet, a hand-written tag, one from before the template) leaves nothing to order against.
 */
export function judgeByTags(
  order: Exclude<Order, "ancestry">,
  template: string,
  deployedTag: string | undefined,
  candidateTag: string,
): Verdict {
  if (deployedTag === undefined) return { accept: true, note: "no tag is deployed" };
  switch (compareTags(order, template, deployedTag, candidateTag)) {
    case "ahead":
      return { accept: true };
    case "identical":
      return { accept: false, skip: { reason: "already-deployed" } };
    case "behind":
      return {
        accept: false,
        skip: {
          reason: "older-by-order",
          order,
          deployedTag,
          deployed: orderValue(order, template, deployedTag),
          candidate: orderValue(order, template, candidateTag),
        },
      };
    default:
      return {
        accept: true,
        note: `the deployed tag ${deployedTag} carries no ${order === "semver" ? "version" : "build number"}`,
      };
  }
}
