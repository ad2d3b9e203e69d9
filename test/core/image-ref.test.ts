import {
  applyUpdate,
  formatImageRef,
  normalizeImageName,
  parseImageRef,
  parseSetImageArg,
  type ImageRef,
  type ImageUpdate,
} from "../../src/core/index.js";

const SHA = "sha256:" + "a".repeat(64);

describe("parseImageRef", () => {
  test.each<[string, ImageRef]>([
    ["nginx", { name: "nginx" }],
    ["nginx:1.25", { name: "nginx", tag: "1.25" }],
    ["ghcr.io/acme/app:0123456", { name: "ghcr.io/acme/app", tag: "0123456" }],
    ["localhost:5000/team/app", { name: "localhost:5000/team/app" }],
    ["localhost:5000/team/app:v2", { name: "localhost:5000/team/app", tag: "v2" }],
    [`registry.example.com:443/a/b/c@${SHA}`, { name: "registry.example.com:443/a/b/c", digest: SHA }],
    [`app:v1@${SHA}`, { name: "app", tag: "v1", digest: SHA }],
    ["[::1]:5000/app:_x", { name: "[::1]:5000/app", tag: "_x" }],
    ["a__b/c--d.e:T_1.-", { name: "a__b/c--d.e", tag: "T_1.-" }],
    ["x:" + "t".repeat(128), { name: "x", tag: "t".repeat(128) }],
  ])("accepts %s", (text, expected) => {
    expect(parseImageRef(text)).toEqual({ ok: true, value: expected });
    expect(formatImageRef(expected)).toBe(text);
  });

  test.each([
    ["", "empty"],
    ["Nginx", "upper case in the path"],
    ["app:", "empty tag"],
    ["app:.v1", "tag starting with ."],
    ["app:-v1", "tag starting with -"],
    ["app:" + "t".repeat(129), "tag of 129 characters"],
    ["app:v1 ", "space"],
    ["app@sha256:abc", "short sha256"],
    ["app@sha256:" + "A".repeat(64), "upper-case sha256 hex"],
    ["app@md5", "digest without hex"],
    ["/app", "empty component"],
    ["app//x", "empty component"],
    ["app_:v1", "trailing separator"],
    ["-host.io/app", "host starting with -"],
    ["a/" + "b".repeat(260), "name over 255"],
  ])("rejects %j (%s)", (text) => {
    const result = parseImageRef(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(JSON.stringify(text));
  });
});

describe("parseSetImageArg (kustomize edit set image syntax)", () => {
  test.each<[string, ImageUpdate]>([
    ["app:v2", { name: "app", newName: "*", newTag: "v2" }],
    [`app@${SHA}`, { name: "app", newName: "*", digest: SHA }],
    [`app:v2@${SHA}`, { name: "app", newName: "*", newTag: "v2", digest: SHA }],
    ["app=ghcr.io/acme/app:1234567", { name: "app", newName: "ghcr.io/acme/app", newTag: "1234567" }],
    ["app=ghcr.io/acme/app", { name: "app", newName: "ghcr.io/acme/app" }],
    ["app=*:v3", { name: "app", newName: "*", newTag: "v3" }],
    ["app:*@" + SHA, { name: "app", newName: "*", newTag: "*", digest: SHA }],
    ["bot:latest=ghcr.io/x/bot:v1", { name: "bot:latest", newName: "ghcr.io/x/bot", newTag: "v1" }],
    ["localhost:5000/app:v1", { name: "localhost:5000/app", newName: "*", newTag: "v1" }],
    ["localhost:5000/app=localhost:5001/app", { name: "localhost:5000/app", newName: "localhost:5001/app" }],
  ])("parses %s", (arg, expected) => {
    expect(parseSetImageArg(arg)).toEqual({ ok: true, value: expected });
  });

  test.each([
    ["app", "nothing to set"],
    ["localhost:5000/app", "nothing to set"],
    ["a=b=c", 'more than one "="'],
    ["app=", "no new name"],
    ["app:v 1", "not a valid tag"],
    ["APP=x:1", "not an image"],
    ["app=x:1@sha256:12", "not a valid"],
    ["app=Bad:1", "not a valid image name"],
  ])("rejects %j with a message saying %s", (arg, fragment) => {
    const result = parseSetImageArg(arg);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain(fragment);
  });
});

describe("normalizeImageName", () => {
  test.each([
    ["nginx", "docker.io/library/nginx"],
    ["library/nginx", "docker.io/library/nginx"],
    ["docker.io/nginx", "docker.io/library/nginx"],
    ["index.docker.io/bitnami/nginx", "docker.io/bitnami/nginx"],
    ["ghcr.io/acme/app", "ghcr.io/acme/app"],
    ["localhost:5000/app", "localhost:5000/app"],
  ])("%s -> %s", (name, normalized) => expect(normalizeImageName(name)).toBe(normalized));
});

describe("applyUpdate (how kustomize renders an images entry)", () => {
  const ref: ImageRef = { name: "app", tag: "v1", digest: SHA };
  const other = "sha256:" + "b".repeat(64);
  test.each<[string, ImageUpdate, ImageRef]>([
    ["a new tag drops the stale digest", { name: "app", newTag: "v2" }, { name: "app", tag: "v2" }],
    ["a digest alone drops the tag", { name: "app", digest: other }, { name: "app", digest: other }],
    [
      "* keeps the tag",
      { name: "app", newTag: "*", digest: other },
      { name: "app", tag: "v1", digest: other },
    ],
    [
      "NAME:* keeps the tag and drops the digest, as in a kustomization",
      { name: "app", newTag: "*" },
      { name: "app", tag: "v1" },
    ],
    [
      "* keeps the digest",
      { name: "app", newTag: "v2", digest: "*" },
      { name: "app", tag: "v2", digest: SHA },
    ],
    [
      "a new name keeps tag and digest",
      { name: "app", newName: "ghcr.io/x/app" },
      { ...ref, name: "ghcr.io/x/app" },
    ],
  ])("%s", (_, update, expected) => expect(applyUpdate(ref, update)).toEqual(expected));
});
