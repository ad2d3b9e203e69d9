import { isMap, isScalar } from "yaml";
import { isGiven, splitDomain, type ImageUpdate } from "../../image-ref/index.js";
import { pairOf, stringValue } from "../../rewrite/map-edits.js";
import { PlanBuilder } from "../../rewrite/plan-builder.js";
import { UnsupportedEdit } from "../../rewrite/unsupported-edit.js";
import type { FormatPlan } from "../../rewrite/rewrite-types.js";
import type { YamlFile } from "../../rewrite/yaml-file.js";
import type { FileFormat } from "../file-format.js";
import { matchSites } from "../match-sites.js";
import { notReferenced } from "../not-referenced.js";
import { updateImageString } from "../string-site.js";
import { findImages, siteName, type ImageBlock } from "./find-images.js";

/**
 * A repository + tag block: a new tag replaces the tag and clears a stale digest (charts render
 * `repo:tag@digest`, and the runtime pulls the digest); a digest needs a `digest:` key in the block.
 */
function updateBlock(builder: PlanBuilder, block: ImageBlock, update: ImageUpdate): void {
  const target = { image: update.name, docIndex: 0, path: block.path, map: block.map };
  if (isGiven(update.digest) && pairOf(block.map, "digest") === undefined) {
    const detail = `the block has no digest: key to write ${update.digest} into; set a tag instead, or add digest: "" to the values`;
    throw new UnsupportedEdit(detail, block.map.range?.[0] ?? 0, "digest-not-supported");
  }
  if (isGiven(update.newName)) {
    if (block.hasRegistry) {
      const { domain, path } = splitDomain(update.newName);
      builder.setField(target, "registry", domain ?? "docker.io");
      builder.setField(target, block.nameKey, path);
    } else {
      builder.setField(target, block.nameKey, update.newName);
    }
  }
  if (isGiven(update.newTag)) builder.setField(target, "tag", update.newTag);
  if (isGiven(update.digest)) {
    builder.setField(target, "digest", update.digest);
    return;
  }
  // A new tag without a digest: clear the stale digests (ingress-nginx also has digestChroot).
  if (update.digest !== undefined || update.newTag === undefined) return;
  for (const pair of block.map.items) {
    const key = isScalar(pair.key) ? pair.key.value : undefined;
    if (typeof key === "string" && key.startsWith("digest") && (stringValue(block.map, key) ?? "") !== "") {
      builder.setField(target, key, "");
    }
  }
}

function plan(file: YamlFile, updates: readonly ImageUpdate[]): FormatPlan {
  const builder = new PlanBuilder(file);
  const sites = findImages(file.docs[0]?.contents);
  for (const update of updates) {
    const matches = matchSites(sites, siteName, update);
    if (matches.length === 0) {
      builder.skip(notReferenced(update.name, file.path));
      continue;
    }
    builder.attempt(update.name, () => {
      for (const site of matches) {
        if (site.kind === "block") updateBlock(builder, site, update);
        else updateImageString(builder, site, 0, update);
      }
    });
  }
  return builder.result();
}

export const helmValuesFormat: FileFormat = {
  name: "helm-values",
  /** A single mapping that is not a Kubernetes object: what a values file is. */
  matches(file) {
    const root = file.docs.length === 1 ? file.docs[0]?.contents : undefined;
    return isMap(root) && !(root.has("apiVersion") && root.has("kind"));
  },
  images(file) {
    return findImages(file.docs[0]?.contents).map(siteName);
  },
  plan,
};
