import { matchSource, renderImageName, type Config, type SourceConfig } from "../../config/index.js";
import { tagFor } from "../../config/render-tag.js";
import { valuesFromTag } from "../../config/sha-from-tag.js";
import { requireTagTemplate } from "../../config/tag-template.js";
import { imagePart } from "../image-ref/image-part.js";
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
  | { readonly reason: "invalid-image"; readonly message: string }
  /** The template needs a build number or version the build does not carry (a workflow run for `v{version}`). */
  | {
      readonly reason: "tag-not-renderable";
      readonly template: string;
      readonly missing: "build" | "version";
    };

export type Resolution =
  /** `all`: every image the build means (several for a monorepo run); `wanted` is the first of them. */
  | { readonly ok: true; readonly wanted: Wanted; readonly all: readonly Wanted[] }
  | { readonly ok: false; readonly ignored: Ignored };

/** Triggers that are webhooks: a source lists those it takes (commands and passes name their builds). */
const WEBHOOK_TRIGGERS: readonly Build["trigger"][] = ["workflow_run", "package", "build", "registry"];

/**
 * Applies one manifests repository's config to a build: which images and tags it means there, if any
 * (one image, or several for a monorepo run that builds them all).
 */
export function resolveBuild(config: Config, build: Build): Resolution {
  const source = matchSource(config, fullName(build.repository), build.repository.host);
  if (!source) return { ok: false, ignored: { reason: "source-not-configured" } };
  // A command or a pass names its build itself (a pass filters workflows and events as it looks for
  // builds); the triggers, workflows and events filter only what webhooks bring.
  if (WEBHOOK_TRIGGERS.includes(build.trigger) && !(source.triggers as string[]).includes(build.trigger))
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
  const images = imagesOf(source, build);
  if (!images.ok) return images;
  const wanted: Wanted[] = [];
  let ignored: Ignored | undefined;
  for (const image of images.names) {
    const one = resolveImage(source, build, build.sha, image);
    if ("ignored" in one) ignored ??= one.ignored;
    else wanted.push(one);
  }
  const [first, ...rest] = wanted;
  if (first === undefined) return { ok: false, ignored: ignored ?? { reason: "source-not-configured" } };
  return { ok: true, wanted: first, all: [first, ...rest] };
}

/**
 * The images the build means: the one it names (a package, a registry push, a CI's body), which must
 * be one of the source's; or, for a workflow run, the source's images its workflow builds.
 */
function imagesOf(
  source: SourceConfig,
  build: Build,
): { ok: true; names: string[] } | { ok: false; ignored: Ignored } {
  const rendered = source.images.map((entry) => ({
    name: renderImageName(entry.image, build.repository.owner, build.repository.name),
    workflows: entry.workflows,
  }));
  if (build.image) {
    const named = comparableImage(build.image.name);
    const found = rendered.find((entry) => comparableImage(entry.name) === named);
    if (!found)
      return {
        ok: false,
        ignored: {
          reason: "image-not-from-source",
          image: build.image.name,
          expected: rendered.map((entry) => entry.name).join(", "),
        },
      };
    return { ok: true, names: [build.image.name] };
  }
  const names = rendered
    .filter(
      (entry) =>
        build.trigger !== "workflow_run" ||
        entry.workflows.length === 0 ||
        (build.workflowPath !== undefined && globMatcher(entry.workflows)(build.workflowPath)),
    )
    .map((entry) => entry.name);
  if (names.length === 0)
    return { ok: false, ignored: { reason: "workflow-not-configured", workflow: build.workflowPath } };
  return { ok: true, names };
}

/** One image of the build: its tag (given, or rendered from the template), checked against the template. */
function resolveImage(
  source: SourceConfig,
  build: Build,
  sha: string,
  image: string,
): Wanted | { ignored: Ignored } {
  const tag = build.image?.tag ?? tagFor(source.tag, { sha, build: build.buildNumber });
  if (tag === undefined)
    return {
      ignored: {
        reason: "tag-not-renderable",
        template: source.tag,
        missing: requireTagTemplate(source.tag).version ? "version" : "build",
      },
    };
  const values = valuesFromTag(source.tag, tag);
  // A tag's SHA is the build's commit (or a prefix of it), its number the build's number.
  const disagrees =
    values === undefined ||
    (values.sha !== undefined && !sha.startsWith(values.sha) && !values.sha.startsWith(sha)) ||
    (values.build !== undefined && build.buildNumber !== undefined && values.build !== build.buildNumber);
  if (disagrees) return { ignored: { reason: "tag-not-from-template", tag, template: source.tag } };
  const digest = build.image?.digest;
  const parsed = parseImageRef(`${image}:${tag}${digest ? `@${digest}` : ""}`);
  if (!parsed.ok) return { ignored: { reason: "invalid-image", message: parsed.error.message } };
  return {
    build,
    image,
    tag,
    digest,
    tagTemplate: source.tag,
    order: source.order,
    part: source.images.length > 1 ? imagePart(image) : undefined,
  };
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
