import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { KEEP, sameImageName, type ImageUpdate } from "../../image-ref/index.js";
import { stringValue } from "../../rewrite/map-edits.js";
import { PlanBuilder } from "../../rewrite/plan-builder.js";
import type { FormatPlan } from "../../rewrite/rewrite-types.js";
import type { YamlFile } from "../../rewrite/yaml-file.js";
import type { FileFormat } from "../file-format.js";
import { ENTRY_FIELDS, desiredEntry, type EntryValues } from "./entry-fields.js";
import { addEntries, type NewEntry } from "./new-entries.js";

const FILE_NAMES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);
const KINDS = new Set(["Kustomization", "Component"]);

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function rootMap(file: YamlFile): YAMLMap | null {
  const contents = file.docs[0]?.contents;
  return isMap(contents) ? contents : null;
}

function entryValues(entry: YAMLMap): EntryValues {
  const values: Partial<Record<(typeof ENTRY_FIELDS)[number], string>> = {};
  for (const field of ENTRY_FIELDS) {
    const value = stringValue(entry, field);
    if (value !== undefined) values[field] = value;
  }
  return values;
}

/** Entries whose `name` is the image; for `NAME:TAG` requests also those whose `newName` is. */
function matchingEntries(entries: readonly { entry: YAMLMap; index: number }[], update: ImageUpdate) {
  const byName = entries.filter(({ entry }) => stringValue(entry, "name") === update.name);
  if (byName.length > 0 || update.newName !== KEEP) return byName;
  return entries.filter(({ entry }) => {
    const newName = stringValue(entry, "newName");
    return newName !== undefined && sameImageName(newName, update.name);
  });
}

const KUSTOMIZE_LISTS = ["resources", "bases", "components"];

/**
 * A file without kind whose `images:` entries carry kustomize's fields, or whose resources, bases or
 * components are lists of paths (in Helm values `resources:` is a mapping of CPU and memory).
 */
function looksLikeKustomization(root: YAMLMap): boolean {
  const images = root.get("images", true);
  const kustomizeEntry = (entry: unknown) =>
    isMap(entry) && entry.has("name") && ENTRY_FIELDS.some((field) => entry.has(field));
  if (isSeq(images) && images.items.length > 0 && images.items.every(kustomizeEntry)) return true;
  return KUSTOMIZE_LISTS.some((key) => {
    const list = root.get(key, true);
    return (
      isSeq(list) &&
      list.items.length > 0 &&
      list.items.every((item) => isScalar(item) && typeof item.value === "string")
    );
  });
}

function plan(file: YamlFile, updates: readonly ImageUpdate[]): FormatPlan {
  const builder = new PlanBuilder(file);
  const root = rootMap(file);
  const imagesNode = root?.get("images", true);
  const entries = (isSeq(imagesNode) ? imagesNode.items : [])
    .map((entry, index) => ({ entry, index }))
    .filter((item): item is { entry: YAMLMap; index: number } => isMap(item.entry));
  const added: NewEntry[] = [];

  for (const update of updates) {
    const matches = matchingEntries(entries, update);
    if (matches.length === 0) {
      const values = desiredEntry(update, {});
      if (Object.keys(values).length > 0) added.push({ name: update.name, values });
      continue;
    }
    builder.attempt(update.name, () => {
      for (const { entry, index } of matches) {
        const desired = desiredEntry(update, entryValues(entry));
        const target = { image: update.name, docIndex: 0, path: ["images", index], map: entry };
        for (const field of ENTRY_FIELDS) builder.setField(target, field, desired[field]);
      }
    });
  }

  if (added.length > 0) {
    const images = added.map((entry) => entry.name).join(", ");
    builder.attempt(images, () => {
      const edit = addEntries(file, root, added);
      const firstIndex = isSeq(imagesNode) ? imagesNode.items.length : 0;
      const line = builder.insertionLine(edit);
      const changes = added.flatMap(({ name, values }, offset) =>
        Object.entries({ name, ...values }).map(([field, to]) => ({
          image: name,
          field,
          docIndex: 0,
          path: ["images", firstIndex + offset, field],
          to,
          line,
        })),
      );
      builder.add([edit], changes);
    });
  }
  return builder.result();
}

export const kustomizationFormat: FileFormat = {
  name: "kustomization",
  matches(file) {
    if (FILE_NAMES.has(baseName(file.path))) return true;
    const root = rootMap(file);
    if (file.docs.length !== 1 || root === null) return false;
    const kind = root.get("kind");
    const apiVersion = root.get("apiVersion");
    if (kind !== undefined || apiVersion !== undefined) {
      return (
        typeof kind === "string" &&
        KINDS.has(kind) &&
        String(apiVersion).startsWith("kustomize.config.k8s.io/")
      );
    }
    return looksLikeKustomization(root);
  },
  aliases(file) {
    const images = rootMap(file)?.get("images", true);
    if (!isSeq(images)) return [];
    return images.items.flatMap((entry) => {
      const newName = isMap(entry) ? stringValue(entry, "newName") : undefined;
      return newName === undefined ? [] : [newName];
    });
  },
  images(file) {
    const images = rootMap(file)?.get("images", true);
    if (!isSeq(images)) return [];
    return images.items.flatMap((entry) => {
      const name = isMap(entry) ? stringValue(entry, "name") : undefined;
      return name === undefined ? [] : [name];
    });
  },
  plan,
};
