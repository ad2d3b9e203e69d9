import type { SourceConfig } from "../../config/index.js";
import { orderValue } from "../plan/order.js";

/**
 * Why a reconciliation pass does not look for a source's builds on GitHub (undefined: it does). The
 * pass finds builds in the check suites of a GitHub repository's commits and renders their tags from
 * the commit; there is nothing to find for a repository on another host, nor for a source whose builds
 * come only from the build endpoint or a registry, and a tag that needs the CI's build number or a
 * version cannot be made from a commit. Such sources are skipped without a request.
 */
export function notLookedFor(source: SourceConfig, repository: string): string | undefined {
  if (source.host !== undefined)
    return `builds of ${repository} arrive from ${source.host}; the pass does not look for them`;
  if (!source.triggers.some((trigger) => trigger === "workflow_run" || trigger === "package"))
    return `builds of ${repository} arrive through ${source.triggers.map(triggerText).join(" and ")}; the pass does not look for them`;
  if (source.order !== "ancestry")
    return `builds of ${repository} are ordered by ${orderText(source.order)}, which the pass cannot tell from commits; it does not look for them`;
  return undefined;
}

/** The order a row's tag stands in, for sources ordered by their tags: `build 42`, `v1.10.0`. */
export function tagOrder(
  source: SourceConfig,
  tag: string | undefined,
): { readonly order: "build-number" | "semver"; readonly value: string } | undefined {
  if (source.order === "ancestry" || tag === undefined) return undefined;
  return { order: source.order, value: orderValue(source.order, source.tag, tag) };
}

export function orderText(order: SourceConfig["order"]): string {
  return order === "build-number"
    ? "build number"
    : order === "semver"
      ? "semantic version"
      : "commit ancestry";
}

function triggerText(trigger: SourceConfig["triggers"][number]): string {
  return trigger === "build" ? "the build endpoint" : trigger === "registry" ? "registry webhooks" : trigger;
}
