import { z } from "zod";
import { digestOrUndefined, firstProblem, type PushParse, type RegistryPush } from "./registry-push.js";

/** Harbor's event type for a push, in its default format and as a CloudEvent's `type`. */
export const HARBOR_PUSH = "PUSH_ARTIFACT";
export const HARBOR_CLOUD_PUSH = "harbor.artifact.pushed";

/** The fields of Harbor's `event_data` the app reads (Harbor's `notifier/model.EventData`; permissive). */
const eventDataSchema = z.object({
  resources: z
    .array(
      z.object({
        digest: z.string().optional(),
        tag: z.string().optional(),
        resource_url: z.string().optional(),
      }),
    )
    .optional(),
  repository: z.object({
    repo_full_name: z.string().min(1),
    namespace: z.string().optional(),
    name: z.string().optional(),
  }),
});

const defaultSchema = z.object({ type: z.string().min(1), event_data: z.unknown().optional() });
const cloudEventSchema = z.object({
  specversion: z.string().min(1),
  type: z.string().min(1),
  data: z.unknown().optional(),
});

/**
 * A Harbor webhook body, in the Default format (`{type, occur_at, operator, event_data}`) or the
 * CloudEvents one (`{specversion, type: "harbor.artifact.pushed", data}`): one push per tagged
 * resource of a `PUSH_ARTIFACT`. Other events (pulls, deletes, scans) are ignored; a resource without
 * a tag (a push by digest) names no tag to deploy.
 */
export function harborPushes(body: unknown): PushParse {
  const cloud = cloudEventSchema.safeParse(body);
  if (cloud.success) {
    if (cloud.data.type !== HARBOR_CLOUD_PUSH) return ignoredEvent(cloud.data.type, HARBOR_CLOUD_PUSH);
    return fromEventData(cloud.data.data, "data");
  }
  const plain = defaultSchema.safeParse(body);
  if (!plain.success)
    return {
      kind: "invalid",
      reason: `not a Harbor webhook (Default or CloudEvents format): ${firstProblem(plain.error)}`,
    };
  if (plain.data.type !== HARBOR_PUSH) return ignoredEvent(plain.data.type, HARBOR_PUSH);
  return fromEventData(plain.data.event_data, "event_data");
}

function ignoredEvent(type: string, push: string): PushParse {
  return { kind: "ignored", reason: `Harbor event ${type} is not a push: only ${push} deploys` };
}

function fromEventData(data: unknown, field: string): PushParse {
  const parsed = eventDataSchema.safeParse(data);
  if (!parsed.success)
    return { kind: "invalid", reason: `not a Harbor push: ${field}.${firstProblem(parsed.error)}` };
  const { resources = [], repository } = parsed.data;
  const pushes: RegistryPush[] = [];
  for (const resource of resources) {
    const tag = resource.tag ?? "";
    // Harbor names an untagged artifact's `tag` after its digest (`sha256:...`): no tag to deploy.
    if (tag === "" || tag.includes(":")) continue;
    const image = imageOf(resource.resource_url, repository.repo_full_name);
    if (image === undefined) continue;
    pushes.push({
      registry: "harbor",
      image,
      tag,
      digest: digestOrUndefined(resource.digest),
      url: undefined,
    });
  }
  if (pushes.length === 0)
    return {
      kind: "ignored",
      reason: "the push names no tag with its registry (`resource_url`): nothing to deploy",
    };
  return { kind: "pushes", pushes };
}

/**
 * `harbor.example.com/acme/web:sha-1a2b3c4` (or `...@sha256:...`) -> `harbor.example.com/acme/web`:
 * the registry host (which Harbor knows from its `ext_endpoint`) and the repository. Undefined when the
 * URL does not end in the repository Harbor names.
 */
function imageOf(resourceUrl: string | undefined, repository: string): string | undefined {
  if (resourceUrl === undefined) return undefined;
  const url = resourceUrl.replace(/^[a-z]+:\/\//i, "");
  const lastSlash = url.lastIndexOf("/");
  const at = url.indexOf("@", lastSlash);
  const withoutDigest = at === -1 ? url : url.slice(0, at);
  const colon = withoutDigest.indexOf(":", lastSlash);
  const image = (colon === -1 ? withoutDigest : withoutDigest.slice(0, colon)).toLowerCase();
  const host = image.split("/", 1)[0] ?? "";
  if (host === "" || image !== `${host}/${repository.toLowerCase()}`) return undefined;
  return image;
}
