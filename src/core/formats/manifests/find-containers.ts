import { isMap, isScalar, isSeq, type YAMLMap } from "yaml";
import { parseImageRef, type ImageRef } from "../../image-ref/index.js";
import type { ValuePath } from "../../rewrite/rewrite-types.js";

/** Where each workload kind keeps its pod spec. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

export interface ContainerImage {
  readonly map: YAMLMap;
  readonly path: ValuePath;
  readonly key: "image";
  readonly ref: ImageRef;
}

export function isKubernetesObject(node: unknown): node is YAMLMap {
  return isMap(node) && typeof node.get("apiVersion") === "string" && typeof node.get("kind") === "string";
}

function containersOf(podSpec: unknown, path: ValuePath, found: ContainerImage[]): void {
  if (!isMap(podSpec)) return;
  for (const list of CONTAINER_LISTS) {
    const containers = podSpec.get(list, true);
    if (!isSeq(containers)) continue;
    containers.items.forEach((container, index) => {
      if (!isMap(container)) return;
      const image = container.get("image", true);
      if (!isScalar(image) || typeof image.value !== "string") return;
      const ref = parseImageRef(image.value);
      if (ref.ok) found.push({ map: container, path: [...path, list, index], key: "image", ref: ref.value });
    });
  }
}

/** The container images of every workload in one document, `kind: List` items included. */
export function findContainers(
  object: unknown,
  path: ValuePath = [],
  found: ContainerImage[] = [],
): ContainerImage[] {
  if (!isKubernetesObject(object)) return found;
  const kind = object.get("kind") as string;
  if (kind === "List" || kind.endsWith("List")) {
    const items = object.get("items", true);
    if (isSeq(items))
      items.items.forEach((item, index) => findContainers(item, [...path, "items", index], found));
    return found;
  }
  const specPath = POD_SPEC_PATHS[kind];
  if (specPath !== undefined) containersOf(object.getIn(specPath, true), [...path, ...specPath], found);
  return found;
}
