import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { parseImageRef, type ImageRef } from "../../image-ref/index.js";
import { pairOf, stringValue } from "../../rewrite/map-edits.js";
import type { ValuePath } from "../../rewrite/rewrite-types.js";

/** `image: {registry?, repository, tag?, digest?}` or `{registry, image, tag}` (ingress-nginx style). */
export interface ImageBlock {
  readonly kind: "block";
  readonly map: YAMLMap;
  readonly path: ValuePath;
  readonly nameKey: "repository" | "image";
  readonly name: string;
  readonly hasRegistry: boolean;
}

/** A string value such as `image: ghcr.io/acme/app:1.2.3` or `initImage: busybox:1.36`. */
export interface ImageString {
  readonly kind: "string";
  readonly map: YAMLMap;
  readonly path: ValuePath;
  readonly key: string;
  readonly ref: ImageRef;
}

export type ImageSite = ImageBlock | ImageString;

export function siteName(site: ImageSite): string {
  return site.kind === "block" ? site.name : site.ref.name;
}

const IMAGE_KEY = /^(?:image|[A-Za-z0-9_]*[a-z0-9_]Image)$/;

function blockOf(map: YAMLMap, path: ValuePath): ImageBlock | undefined {
  const registry = stringValue(map, "registry");
  const hasRegistry = registry !== undefined && registry !== "";
  const repository = stringValue(map, "repository");
  let nameKey: ImageBlock["nameKey"] | undefined;
  let repo: string | undefined;
  if (repository !== undefined && repository !== "") {
    [nameKey, repo] = ["repository", repository];
  } else {
    const image = stringValue(map, "image");
    const isBareName =
      image !== undefined && parseImageRef(image).ok && !/[:@]/.test(image.slice(image.lastIndexOf("/")));
    if (isBareName && (hasRegistry || pairOf(map, "tag") !== undefined)) [nameKey, repo] = ["image", image];
  }
  if (nameKey === undefined || repo === undefined) return undefined;
  const name = hasRegistry ? `${registry}/${repo}` : repo;
  return parseImageRef(name).ok ? { kind: "block", map, path, nameKey, name, hasRegistry } : undefined;
}

/** Every image a Helm values document names, at any depth (per-component images included). */
export function findImages(node: unknown, path: ValuePath = [], found: ImageSite[] = []): ImageSite[] {
  if (isSeq(node)) node.items.forEach((item, index) => findImages(item, [...path, index], found));
  if (!isMap(node)) return found;
  const block = blockOf(node, path);
  if (block !== undefined) found.push(block);
  for (const pair of node.items) {
    if (!isScalar(pair.key) || typeof pair.key.value !== "string") continue;
    const key = pair.key.value;
    if (isScalar(pair.value) && typeof pair.value.value === "string") {
      if (block?.nameKey === key || !IMAGE_KEY.test(key)) continue;
      const ref = parseImageRef(pair.value.value);
      if (ref.ok) found.push({ kind: "string", map: node, path, key, ref: ref.value });
      continue;
    }
    findImages(pair.value, [...path, key], found);
  }
  return found;
}
