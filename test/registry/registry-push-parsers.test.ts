// The registries' push payloads, as each publishes them (test/fixtures/{harbor,dockerhub,quay}, with provenance).
import { readFileSync } from "node:fs";
import { harborPushes } from "../../src/handlers/registry-push-harbor.js";
import { dockerHubPushes } from "../../src/handlers/registry-push-dockerhub.js";
import { quayPushes } from "../../src/handlers/registry-push-quay.js";

const fixture = (path: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8")) as Record<
    string,
    unknown
  >;

const DIGEST = "sha256:dde8e930c7b6a490f728e66292bc9bce42efc9bbb5278bae40e4f30f6e00fe8c";

describe("Harbor", () => {
  test.each(["push-artifact-default.json", "push-artifact-cloudevents.json"])(
    "%s: one push of the registry host and repository, the tag and the digest",
    (file) => {
      expect(harborPushes(fixture(`harbor/${file}`))).toEqual({
        kind: "pushes",
        pushes: [
          {
            registry: "harbor",
            image: "harbor.dev/library/busybox",
            tag: "sha-1a2b3c4",
            digest: DIGEST,
            url: undefined,
          },
        ],
      });
    },
  );

  test.each([
    ["pull-artifact-default.json", "PULL_ARTIFACT"],
    ["pull-artifact-cloudevents.json", "harbor.artifact.pulled"],
  ])("%s is not a push: ignored", (file, type) => {
    expect(harborPushes(fixture(`harbor/${file}`))).toEqual({
      kind: "ignored",
      reason: expect.stringContaining(`Harbor event ${type} is not a push`),
    });
  });

  test("every tagged resource is a push; a resource pushed by digest only names no tag", () => {
    const body = fixture("harbor/push-artifact-default.json");
    const data = body["event_data"] as { resources: Record<string, string>[] };
    data.resources = [
      {
        digest: DIGEST,
        tag: "sha-1a2b3c4",
        resource_url: "harbor.example.com:8443/library/busybox:sha-1a2b3c4",
      },
      { digest: DIGEST, tag: "v1.2.3", resource_url: "harbor.example.com:8443/library/busybox:v1.2.3" },
      { digest: DIGEST, tag: DIGEST, resource_url: `harbor.example.com:8443/library/busybox@${DIGEST}` },
    ];
    const parsed = harborPushes(body);
    expect(parsed.kind === "pushes" && parsed.pushes.map((push) => `${push.image}:${push.tag}`)).toEqual([
      "harbor.example.com:8443/library/busybox:sha-1a2b3c4",
      "harbor.example.com:8443/library/busybox:v1.2.3",
    ]);
  });

  test("a resource_url that is not of the repository Harbor names is not trusted", () => {
    const body = fixture("harbor/push-artifact-default.json");
    const data = body["event_data"] as { resources: Record<string, string>[] };
    data.resources[0]!["resource_url"] = "harbor.dev/other/image:sha-1a2b3c4";
    expect(harborPushes(body).kind).toBe("ignored");
  });

  test("a body that is no Harbor webhook, or a push without its repository, is invalid with the reason", () => {
    expect(harborPushes({ hello: "world" })).toEqual({
      kind: "invalid",
      reason: expect.stringContaining("type"),
    });
    const body = fixture("harbor/push-artifact-cloudevents.json");
    delete (body["data"] as Record<string, unknown>)["repository"];
    expect(harborPushes(body)).toEqual({
      kind: "invalid",
      reason: expect.stringContaining("data.repository"),
    });
  });
});

describe("Docker Hub", () => {
  test("the documented payload: docker.io/<repo_name> and push_data.tag, no digest", () => {
    expect(dockerHubPushes(fixture("dockerhub/push.json"))).toEqual({
      kind: "pushes",
      pushes: [
        {
          registry: "dockerhub",
          image: "docker.io/svendowideit/testhook",
          tag: "latest",
          digest: undefined,
          url: "https://registry.hub.docker.com/u/svendowideit/testhook/",
        },
      ],
    });
  });

  test("an official image is docker.io/library/<name>", () => {
    const body = fixture("dockerhub/push.json");
    (body["repository"] as Record<string, unknown>)["repo_name"] = "nginx";
    const parsed = dockerHubPushes(body);
    expect(parsed.kind === "pushes" && parsed.pushes[0]?.image).toBe("docker.io/library/nginx");
  });

  test("a body without push_data.tag is invalid with the field", () => {
    const body = fixture("dockerhub/push.json");
    delete (body["push_data"] as Record<string, unknown>)["tag"];
    expect(dockerHubPushes(body)).toEqual({
      kind: "invalid",
      reason: expect.stringContaining("push_data.tag"),
    });
  });
});

describe("Quay", () => {
  test("the documented payload: docker_url and each updated tag", () => {
    expect(quayPushes(fixture("quay/push.json"))).toEqual({
      kind: "pushes",
      pushes: [
        {
          registry: "quay",
          image: "quay.io/dgangaia/test",
          tag: "latest",
          digest: undefined,
          url: "https://quay.io/repository/dgangaia/repository",
        },
      ],
    });
  });

  test("Quay.io's first shape (a map of tag to image id) names its tags too", () => {
    const parsed = quayPushes({
      ...fixture("quay/push.json"),
      updated_tags: { "sha-1a2b3c4": "b750fe79", v2: "x" },
    });
    expect(parsed.kind === "pushes" && parsed.pushes.map((push) => push.tag)).toEqual(["sha-1a2b3c4", "v2"]);
  });

  test("a body without docker_url is invalid with the field", () => {
    const body = fixture("quay/push.json");
    delete body["docker_url"];
    expect(quayPushes(body)).toEqual({ kind: "invalid", reason: expect.stringContaining("docker_url") });
  });
});
