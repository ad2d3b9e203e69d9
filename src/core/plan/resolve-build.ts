import { matchSource, renderImageName, renderTag, shaFromTag, type Config } from "../../config/index.js";
import { globMatcher } from "../../config/glob-matcher.js";
import { normalizeImageName, parseImageRef } from "../image-ref/index.js";
import { fullName, type Build } from "./build.js";
import type { Wanted } from "./wanted.js";

/** Why a build does not concern a manifests repository at all (logged, nothing reported). */
export type Ignored =
  | { readonly reason: "source-not-configured" }
  | { readonly reason: "trigger-not-configured"; readonly trigger: Build["trigger"] }
  | { readonly reason: "workflow-not-configured"; readonly workflow: string | undefined }
  | { readonly reason: "event-not-configured"; readonly event: string | undefined }
  | { readonly reason: "no-source-commit" }
  /** Another tag of the same image (`latest`, `v1.2`): only the tag the source's template makes moves. */
  | { readonly reason: "tag-not-from-template"; readonly tag: string; readonly template: string }
  /**
   * A package of another image than the one the source's config names (a package of acme/web called
   * `ghcr.io/acme/api`): a source only ever writes its own image.
   */
  | { readonly reason: "image-not-from-source"; readonly image: string; readonly expected: string }
  | { readonly reason: "invalid-image"; readonly message: string };

export type Resolution =
  { readonly ok: true; readonly wanted: Wanted } | { readonly ok: false; readonly ignored: Ignored };

/** Applies one manifests repository's config to a build: which image and tag it means there, if any. */
export function resolveBuild(config: Config, build: Build): Resolution {
  const source = matchSource(config, fullName(build.repository));
  if (!source) return { ok: false, ignored: { reason: "source-not-configured" } };
  // A command or a pass names its build itself (a pass filters workflows and events as it looks for
  // builds); the triggers, workflows and events filter only what webhooks bring.
  if (
    (build.trigger === "workflow_run" || build.trigger === "package") &&
    !source.triggers.includes(build.trigger)
  )
    return { ok: false, ignored: { reason: "trigger-not-configured", trigger: build.trigger } };
  if (build.sha === undefined) return { ok: false, ignored: { reason: "no-source-commit" } };
  if (build.trigger === "workflow_run") {
    if (
      source.workflows.length > 0 &&
      !(build.workflowPath && globMatcher(source.workflows)(build.workflowPath))
    )
      return { ok: false, ignored: { reason: "workflow-not-configured", workflow: build.workflowPath } };
    if (!(build.event && source.events.includes(build.event)))
      return { ok: false, ignored: { reason: "event-not-configured", event: build.event } };
  }
  const expected = renderImageName(source.image, build.repository.owner, build.repository.name);
  if (build.image && comparableImage(build.image.name) !== comparableImage(expected))
    return { ok: false, ignored: { reason: "image-not-from-source", image: build.image.name, expected } };
  const image = build.image?.name ?? expected;
  const tag = build.image?.tag ?? renderTag(source.tag, build.sha);
  if (build.image && !build.sha.startsWith(shaFromTag(source.tag, tag) ?? "-"))
    return { ok: false, ignored: { reason: "tag-not-from-template", tag, template: source.tag } };
  const digest = build.image?.digest;
  const parsed = parseImageRef(`${image}:${tag}${digest ? `@${digest}` : ""}`);
  if (!parsed.ok) return { ok: false, ignored: { reason: "invalid-image", message: parsed.error.message } };
  return { ok: true, wanted: { build, image, tag, digest, tagTemplate: source.tag } };
}

/** `GHCR.io/Acme/Web`, `https://ghcr.io/acme/web` and `ghcr.io/acme/web` are one image; so are `nginx` and `docker.io/library/nginx`. */
function comparableImage(name: string): string {
  return normalizeImageName(
    name
      .trim()
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, ""),
  );
}
