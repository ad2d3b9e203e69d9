import { z } from "zod";
import { firstProblem, linkOrUndefined, type PushParse } from "./registry-push.js";

/**
 * The fields of Quay's "Push to Repository" notification the app reads (Red Hat Quay, "Repository
 * events"): `updated_tags` is a list of tags; Quay.io's first notifications sent a map of tag to image id.
 */
const quaySchema = z.object({
  docker_url: z.string().min(1),
  updated_tags: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]),
  homepage: z.string().optional(),
});

/** A Quay push notification: one push per updated tag of `docker_url`. */
export function quayPushes(body: unknown): PushParse {
  const parsed = quaySchema.safeParse(body);
  if (!parsed.success)
    return { kind: "invalid", reason: `not a Quay push notification: ${firstProblem(parsed.error)}` };
  const { docker_url: dockerUrl, updated_tags: updated, homepage } = parsed.data;
  const image = dockerUrl.replace(/^[a-z]+:\/\//i, "").toLowerCase();
  const tags = Array.isArray(updated) ? updated : Object.keys(updated);
  const pushes = tags
    .filter((tag) => tag !== "")
    .map((tag) => ({
      registry: "quay" as const,
      image,
      tag,
      digest: undefined,
      url: linkOrUndefined(homepage),
    }));
  if (pushes.length === 0) return { kind: "ignored", reason: "the notification names no tag" };
  return { kind: "pushes", pushes };
}
