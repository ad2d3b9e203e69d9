import fc from "fast-check";
import { renderImageName, renderTag, shaFromTag } from "../../src/config/index.js";

const SHA = "3f1c2a9b8e7d6c5b4a3928171615141312111009";

describe("renderTag", () => {
  test.each([
    ["{sha}", SHA],
    ["{sha:7}", "3f1c2a9"],
    ["{sha:40}", SHA],
    ["sha-{sha:8}", "sha-3f1c2a9b"],
    ["v1.2-{sha:12}_build", "v1.2-3f1c2a9b8e7d_build"],
  ])("%s", (template, tag) => {
    expect(renderTag(template, SHA)).toBe(tag);
  });

  test("an upper-case SHA gives the same lower-case tag", () => {
    expect(renderTag("sha-{sha:8}", SHA.toUpperCase())).toBe("sha-3f1c2a9b");
  });

  test.each([
    ["a short SHA", "{sha}", "3f1c2a9", 'renderTag: "3f1c2a9" is not a full commit SHA (40 hex digits)'],
    ["a SHA with a non-hex digit", "{sha}", SHA.replace("3", "g"), "is not a full commit SHA"],
    [
      "a template without {sha}",
      "latest",
      SHA,
      'invalid tag template "latest": tag template `latest` has no {sha}',
    ],
    ["a template with {sha:N} out of range", "{sha:41}", SHA, "shortens the SHA to 41 characters"],
  ])("throws for %s", (_, template, sha, message) => {
    expect(() => renderTag(template, sha)).toThrow(message);
  });
});

describe("shaFromTag", () => {
  test.each<[string, string, string | undefined]>([
    ["{sha}", SHA, SHA],
    ["{sha}", SHA.toUpperCase(), SHA],
    ["{sha:7}", "3f1c2a9", "3f1c2a9"],
    ["sha-{sha:8}", "sha-3f1c2a9b", "3f1c2a9b"],
    ["sha-{sha:8}", "sha-3F1C2A9B", "3f1c2a9b"],
    ["v1.2-{sha:12}_build", "v1.2-3f1c2a9b8e7d_build", "3f1c2a9b8e7d"],
    // Tags that do not follow the template
    ["{sha}", "3f1c2a9", undefined],
    ["{sha:7}", "3f1c2a9b", undefined],
    ["{sha:7}", "v1.2.3", undefined],
    ["sha-{sha:8}", "3f1c2a9b", undefined],
    ["sha-{sha:8}", "SHA-3f1c2a9b", undefined],
    ["sha-{sha:8}", "sha-3f1c2a9", undefined],
    ["sha-{sha:8}", "sha-3f1c2a9g", undefined],
    ["sha-{sha:8}", "sha-", undefined],
    ["v1.2-{sha:12}_build", "v1.2-3f1c2a9b8e7d_test", undefined],
    ["{sha:7}-x", "-x", undefined],
    ["{sha}", "latest", undefined],
  ])("%s: %s -> %s", (template, tag, sha) => {
    expect(shaFromTag(template, tag)).toBe(sha);
  });

  test("inverts renderTag for any SHA and template", () => {
    const hex = fc.string({
      unit: fc.constantFrom(..."0123456789abcdefABCDEF"),
      minLength: 40,
      maxLength: 40,
    });
    const literal = fc.string({ unit: fc.constantFrom(..."abcXYZ019_.-"), maxLength: 20 });
    const length = fc.option(fc.integer({ min: 7, max: 40 }), { nil: undefined });
    fc.assert(
      fc.property(
        hex,
        fc.constantFrom("", "v", "sha-", "release_"),
        literal,
        length,
        (sha, prefix, suffix, n) => {
          const template = `${prefix}{sha${n === undefined ? "" : `:${n}`}}${suffix}`;
          const tag = renderTag(template, sha);
          expect(shaFromTag(template, tag)).toBe(sha.toLowerCase().slice(0, n ?? 40));
        },
      ),
    );
  });

  test("throws for a template parseConfig rejects", () => {
    expect(() => shaFromTag("{commit}", "abc")).toThrow("tag template has an unknown placeholder `{commit}`");
  });
});

describe("renderImageName", () => {
  test.each([
    ["ghcr.io/{owner}/{repo}", "Acme", "Web-App", "ghcr.io/acme/web-app"],
    [
      "registry.example.com:5000/{owner}/images/{repo}",
      "acme",
      "api",
      "registry.example.com:5000/acme/images/api",
    ],
    ["{owner}/{repo}", "Acme", "web", "acme/web"],
    ["ghcr.io/acme/{repo}-{repo}", "x", "Api", "ghcr.io/acme/api-api"],
    ["ghcr.io/acme/monorepo", "x", "y", "ghcr.io/acme/monorepo"],
  ])("%s for %s/%s", (template, owner, repo, name) => {
    expect(renderImageName(template, owner, repo)).toBe(name);
  });

  test("throws for a template parseConfig rejects", () => {
    expect(() => renderImageName("ghcr.io/{org}/{repo}", "acme", "web")).toThrow(
      'invalid image template "ghcr.io/{org}/{repo}": image template has an unknown placeholder `{org}`',
    );
  });
});
