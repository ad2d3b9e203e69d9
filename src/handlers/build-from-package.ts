import type { BuildParse } from "./build-from-workflow-run.js";
import { firstIssue, packagePayloadSchema, sourceRepository } from "./payload-schemas.js";

const REVISION_LABEL = "org.opencontainers.image.revision";

/** `ghcr.io/Owner/app:` or `ghcr.io/owner/app:tag` -> `ghcr.io/owner/app`. */
function imageName(packageUrl: string | undefined, namespace: string, name: string): string {
  const url = packageUrl ?? `ghcr.io/${namespace}/${name}`;
  const lastSlash = url.lastIndexOf("/");
  const colon = url.indexOf(":", lastSlash);
  return (colon === -1 ? url : url.slice(0, colon)).toLowerCase();
}

/**
 * A container `package` published webhook as a Build. A multi-arch push sends one event per manifest;
 * only the tagged one (the index) deploys, so the untagged per-platform events are ignored. The source
 * commit comes from the `org.opencontainers.image.revision` label.
 */
export function buildFromPackage(payload: unknown, id: string, receivedAt: number): BuildParse {
  const parsed = packagePayloadSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, invalid: firstIssue(parsed.error) };
  const { action, repository, package: pkg } = parsed.data;
  if (action !== "published") return { ok: false, ignored: `action ${action}` };
  // Only the source repository's owner publishes its images: another owner's package never deploys.
  // A container's namespace is the owner (`acme`); older registries' were `owner/repository`.
  const namespaceOwner = pkg.namespace.split("/")[0] ?? "";
  if (namespaceOwner.toLowerCase() !== repository.owner.login.toLowerCase())
    return {
      ok: false,
      refused: `package of ${namespaceOwner}, not of ${repository.owner.login} (the owner of ${repository.owner.login}/${repository.name}): another owner's image never deploys`,
    };
  const metadata = pkg.package_version?.container_metadata;
  if (!metadata) return { ok: false, ignored: `package type ${pkg.package_type}: not a container image` };
  const tag = metadata.tag?.name ?? "";
  if (tag === "") return { ok: false, ignored: "untagged manifest (one platform of a multi-arch image)" };
  const revision = (
    metadata.labels?.all_labels?.[REVISION_LABEL] ??
    metadata.labels?.revision ??
    ""
  ).toLowerCase();
  const sha = /^[0-9a-f]{40}$/.test(revision) ? revision : undefined;
  const digest = metadata.tag?.digest;
  return {
    ok: true,
    build: {
      trigger: "package",
      id,
      repository: sourceRepository(repository),
      sha,
      // The image says which commit it was built from, not which branch: treated as the default branch's.
      branch: repository.default_branch,
      event: undefined,
      workflowPath: undefined,
      url: pkg.package_version?.html_url,
      image: {
        name: imageName(pkg.package_version?.package_url, pkg.namespace, pkg.name),
        tag,
        digest: digest && /^sha256:[0-9a-f]{64}$/.test(digest) ? digest : undefined,
      },
      receivedAt,
    },
  };
}
