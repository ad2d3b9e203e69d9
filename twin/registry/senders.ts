// Registry webhook senders for tests and the demo: each builds the request exactly as its registry does
// (body shape, Content-Type, where the secret goes). Shapes: Harbor's `notifier/model` and `formats`
// (Default, CloudEvents), Docker Hub's and Quay's documented push payloads (test/fixtures/*/README.md).
import { randomUUID } from "node:crypto";

export interface RegistryRequest {
  /** The path on the app's server. */
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export interface HarborPush {
  /** The registry host Harbor names in `resource_url` (its external URL's host). */
  readonly host: string;
  /** `project/repository`, e.g. `acme/web`. */
  readonly repository: string;
  readonly tag: string;
  readonly digest?: string;
  readonly format?: "default" | "cloudevents";
  /** The policy's "Auth Header": sent verbatim as `Authorization` when set. */
  readonly authHeader?: string;
  /** Harbor's event type; `PUSH_ARTIFACT` unless told (`PULL_ARTIFACT`, `DELETE_ARTIFACT` ...). */
  readonly type?: string;
}

const CLOUD_TYPES: Record<string, string> = {
  PUSH_ARTIFACT: "harbor.artifact.pushed",
  PULL_ARTIFACT: "harbor.artifact.pulled",
  DELETE_ARTIFACT: "harbor.artifact.deleted",
};

/** A Harbor webhook job's request for one pushed tag, in the policy's payload format. */
export function harborPush(push: HarborPush): RegistryRequest {
  const [namespace = "", ...rest] = push.repository.split("/");
  const digest = push.digest ?? `sha256:${"ab".repeat(32)}`;
  const occurAt = Math.floor(Date.now() / 1000);
  const type = push.type ?? "PUSH_ARTIFACT";
  const eventData = {
    resources: [{ digest, tag: push.tag, resource_url: `${push.host}/${push.repository}:${push.tag}` }],
    repository: {
      date_created: occurAt - 3600,
      name: rest.join("/"),
      namespace,
      repo_full_name: push.repository,
      repo_type: "private",
    },
  };
  const cloud = push.format === "cloudevents";
  const body = cloud
    ? {
        specversion: "1.0",
        id: randomUUID(),
        source: "/projects/1/webhook/policies/3",
        type: CLOUD_TYPES[type] ?? `harbor.${type.toLowerCase()}`,
        datacontenttype: "application/json",
        time: new Date(occurAt * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
        data: eventData,
        requestid: randomUUID(),
        operator: "robot$ci",
      }
    : { type, occur_at: occurAt, operator: "robot$ci", event_data: eventData };
  return {
    path: "/api/registry/harbor",
    headers: {
      "content-type": cloud ? "application/cloudevents+json" : "application/json",
      ...(push.authHeader === undefined ? {} : { authorization: push.authHeader }),
    },
    body: JSON.stringify(body),
  };
}

/** Docker Hub's push webhook for `repoName` (`acme/web`) and `tag`, to the URL holding `secret`. */
export function dockerHubPush(repoName: string, tag: string, secret: string): RegistryRequest {
  const [namespace = "", name = ""] = repoName.includes("/") ? repoName.split("/") : ["library", repoName];
  const body = {
    callback_url: `https://registry.hub.docker.com/u/${repoName}/hook/${randomUUID().replaceAll("-", "")}/`,
    push_data: { pushed_at: Math.floor(Date.now() / 1000), pusher: "ci", tag },
    repository: {
      comment_count: 0,
      date_created: 1417494799,
      description: "",
      full_description: "",
      is_official: false,
      is_private: true,
      is_trusted: false,
      name,
      namespace,
      owner: namespace,
      repo_name: repoName,
      repo_url: `https://hub.docker.com/r/${repoName}`,
      star_count: 0,
      status: "Active",
    },
  };
  return {
    path: `/api/registry/dockerhub/${encodeURIComponent(secret)}`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** Quay's "Push to Repository" notification for `repository` (`acme/web`) on `host`. */
export function quayPush(host: string, repository: string, tags: string[], secret: string): RegistryRequest {
  const [namespace = "", name = ""] = repository.split("/");
  const body = {
    name,
    repository,
    namespace,
    docker_url: `${host}/${repository}`,
    homepage: `https://${host}/repository/${repository}`,
    updated_tags: tags,
  };
  return {
    path: `/api/registry/quay/${encodeURIComponent(secret)}`,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  };
}

/** Posts the request to the app at `origin`; the answer's status and JSON body. */
export async function sendRegistryRequest(
  origin: string,
  request: RegistryRequest,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${origin}${request.path}`, {
    method: "POST",
    headers: request.headers,
    body: request.body,
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}
