import type { Ignored } from "../plan/resolve-build.js";

/**
 * Why a build does not concern a manifests repository, in one plain sentence with the fix: for the
 * answers of `/api/builds` and the registry endpoints, and logs. Plain text (JSON answers, not Markdown).
 */
export function ignoredText(ignored: Ignored): string {
  switch (ignored.reason) {
    case "source-not-configured":
      return "no source in its config allows this repository: add it to `sources[].repositories` (with `host` for a repository not on GitHub)";
    case "trigger-not-configured":
      return `its source does not take \`${ignored.trigger}\` builds: add \`${ignored.trigger}\` to the source's \`triggers\``;
    case "workflow-not-configured":
      return `the workflow ${ignored.workflow ?? "(unknown)"} builds none of the source's images: check \`workflows\``;
    case "event-not-configured":
      return `runs started by ${ignored.event ?? "(unknown)"} do not deploy: check the source's \`events\``;
    case "no-source-commit":
      return "the build does not say which commit it was built from";
    case "tag-not-from-template":
      return `the tag ${ignored.tag} is not one the template \`${ignored.template}\` makes for this build (a moving tag such as latest is never written)`;
    case "tag-not-renderable":
      return `the tag template \`${ignored.template}\` needs a ${ignored.missing === "build" ? "build number" : "version"}: send the tag (or buildNumber)`;
    case "image-not-from-source":
      return `the image ${ignored.image} is not one this source builds (${ignored.expected})`;
    case "invalid-image":
      return `not a valid image reference: ${ignored.message}`;
  }
}
