import { isScalar } from "yaml";
import type { ImageUpdate } from "../../image-ref/index.js";
import { PlanBuilder } from "../../rewrite/plan-builder.js";
import type { FormatPlan } from "../../rewrite/rewrite-types.js";
import type { YamlFile } from "../../rewrite/yaml-file.js";
import type { FileFormat } from "../file-format.js";
import { matchSites } from "../match-sites.js";
import { notReferenced } from "../not-referenced.js";
import { updateImageString } from "../string-site.js";
import { findContainers, isKubernetesObject } from "./find-containers.js";

function plan(file: YamlFile, updates: readonly ImageUpdate[]): FormatPlan {
  const builder = new PlanBuilder(file);
  const sites = file.docs.flatMap((doc, docIndex) =>
    findContainers(doc.contents).map((site) => ({ site, docIndex })),
  );
  for (const update of updates) {
    const matches = matchSites(sites, ({ site }) => site.ref.name, update);
    if (matches.length === 0) {
      builder.skip(notReferenced(update.name, file.path));
      continue;
    }
    builder.attempt(update.name, () => {
      for (const { site, docIndex } of matches) updateImageString(builder, site, docIndex, update);
    });
  }
  return builder.result();
}

/** An empty document (`---` with only comments) is allowed between objects. */
function isEmptyDocument(contents: unknown): boolean {
  return contents === null || (isScalar(contents) && contents.value === null);
}

export const manifestsFormat: FileFormat = {
  name: "manifests",
  matches(file) {
    const objects = file.docs.filter((doc) => !isEmptyDocument(doc.contents));
    return objects.length > 0 && objects.every((doc) => isKubernetesObject(doc.contents));
  },
  images(file) {
    return file.docs.flatMap((doc) => findContainers(doc.contents).map((site) => site.ref.name));
  },
  plan,
};
