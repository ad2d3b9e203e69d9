import { z } from "zod";
import { firstProblem, linkOrUndefined, type PushParse } from "./registry-push.js";

/** The fields of a Docker Hub webhook the app reads (docs.docker.com/docker-hub/repos/manage/webhooks/). */
const dockerHubSchema = z.object({
  push_data: z.object({ tag: z.string().min(1) }),
  repository: z.object({
    repo_name: z
      .string()
      .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)?$/i, "namespace/name"),
    repo_url: z.string().optional(),
  }),
});

/**
 * A Docker Hub push webhook: `docker.io/<repo_name>` (an official image, `nginx` or `library/nginx`,
 * is `docker.io/library/nginx`) and `push_data.tag`. Docker Hub tells no digest.
 */
export function dockerHubPushes(body: unknown): PushParse {
  const parsed = dockerHubSchema.safeParse(body);
  if (!parsed.success)
    return { kind: "invalid", reason: `not a Docker Hub push webhook: ${firstProblem(parsed.error)}` };
  const name = parsed.data.repository.repo_name.toLowerCase();
  return {
    kind: "pushes",
    pushes: [
      {
        registry: "dockerhub",
        image: `docker.io/${name.includes("/") ? name : `library/${name}`}`,
        tag: parsed.data.push_data.tag,
        digest: undefined,
        url: linkOrUndefined(parsed.data.repository.repo_url),
      },
    ],
  };
}
