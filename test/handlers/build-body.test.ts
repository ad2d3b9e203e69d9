import { buildFromBody, buildId, FIELD_FIXES, type BuildField } from "../../src/handlers/build-body.js";

const SHA = "1a2b3c4d5e6f70819293a4b5c6d7e8f901234567";
const DIGEST = `sha256:${"ab".repeat(32)}`;
const AT = 1_700_000_000_000;

const jenkins = {
  repository: "acme/web",
  sha: SHA,
  image: "harbor.example.com/acme/web",
  tag: "42-1a2b3c4",
  digest: DIGEST,
  branch: "main",
  buildNumber: "42",
  url: "https://jenkins.example.com/job/web/42/",
  committedAt: "2024-05-01T12:00:00+02:00",
};

function parsed(body: unknown) {
  const result = buildFromBody(body, AT);
  if (!result.ok) throw new Error(`refused: ${result.field}: ${result.error}`);
  return result.build;
}

function refusal(body: unknown): { field: string; error: string; fix: string } {
  const result = buildFromBody(body, AT);
  if (result.ok) throw new Error("accepted");
  return { field: result.field, error: result.error, fix: result.fix };
}

describe("buildFromBody: a valid body is a Build of trigger build", () => {
  test("a Jenkins-style body on GitHub", () => {
    expect(parsed(jenkins)).toEqual({
      trigger: "build",
      id: buildId("acme/web", "harbor.example.com/acme/web", "42-1a2b3c4", DIGEST),
      repository: {
        owner: "acme",
        name: "web",
        defaultBranch: "main",
        htmlUrl: "https://github.com/acme/web",
      },
      sha: SHA,
      branch: "main",
      event: undefined,
      workflowPath: undefined,
      url: "https://jenkins.example.com/job/web/42/",
      image: { name: "harbor.example.com/acme/web", tag: "42-1a2b3c4", digest: DIGEST },
      buildNumber: 42,
      receivedAt: AT,
      committedAt: Date.parse("2024-05-01T10:00:00Z"),
    });
  });

  test("the least body: the optional fields are undefined and the default branch is main", () => {
    const build = parsed({ repository: "acme/web", sha: SHA, image: "ghcr.io/acme/web", tag: "v1.2.3" });
    expect(build.repository.defaultBranch).toBe("main");
    expect(build.repository.host).toBeUndefined();
    expect([build.branch, build.buildNumber, build.url, build.committedAt, build.image?.digest]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  test("a nested GitLab path: the owner is every segment but the last, the host lower-cased", () => {
    const build = parsed({
      repository: "payments/backend/api",
      host: "GitLab.Example.com",
      sha: SHA.toUpperCase(),
      image: "registry.example.com/payments/api",
      tag: "7-1a2b3c4",
      buildNumber: 7,
      defaultBranch: "develop",
      branch: "refs/heads/develop",
    });
    expect(build.repository).toEqual({
      host: "gitlab.example.com",
      owner: "payments/backend",
      name: "api",
      defaultBranch: "develop",
      htmlUrl: "https://gitlab.example.com/payments/backend/api",
    });
    expect(build.sha).toBe(SHA);
    expect(build.buildNumber).toBe(7);
    expect(build.branch).toBe("develop");
  });

  test("the id is stable for a replay and differs for another digest, tag, image or source", () => {
    const id = parsed(jenkins).id;
    expect(id).toMatch(/^build:[0-9a-f]{64}$/);
    expect(parsed({ ...jenkins }).id).toBe(id);
    expect(parsed({ ...jenkins, url: "https://jenkins.example.com/job/web/42/replay" }).id).toBe(id);
    expect(parsed({ ...jenkins, digest: `sha256:${"cd".repeat(32)}` }).id).not.toBe(id);
    expect(parsed({ ...jenkins, digest: undefined }).id).not.toBe(id);
    expect(parsed({ ...jenkins, tag: "43-1a2b3c4" }).id).not.toBe(id);
    expect(parsed({ ...jenkins, image: "harbor.example.com/acme/web2" }).id).not.toBe(id);
    expect(parsed({ ...jenkins, repository: "acme/web2" }).id).not.toBe(id);
    expect(parsed({ ...jenkins, repository: "acme/web", host: "gitlab.example.com" }).id).not.toBe(id);
  });
});

describe("buildFromBody: an invalid body names its first failing field and the fix", () => {
  const cases: [string, Record<string, unknown>, BuildField][] = [
    ["no repository", { ...jenkins, repository: undefined }, "repository"],
    ["a repository without owner", { ...jenkins, repository: "web" }, "repository"],
    ["a nested path on GitHub", { ...jenkins, repository: "a/b/c" }, "repository"],
    ["a .. segment", { ...jenkins, repository: "acme/..", host: "gitlab.example.com" }, "repository"],
    ["a host with a scheme", { ...jenkins, host: "https://gitlab.example.com" }, "host"],
    ["a short sha", { ...jenkins, sha: "1a2b3c4" }, "sha"],
    ["a sha that is not hex", { ...jenkins, sha: "z".repeat(40) }, "sha"],
    ["no image", { ...jenkins, image: undefined }, "image"],
    ["an image with its tag", { ...jenkins, image: "harbor.example.com/acme/web:42" }, "image"],
    ["an upper-case image", { ...jenkins, image: "harbor.example.com/Acme/Web" }, "image"],
    ["no tag", { ...jenkins, tag: undefined }, "tag"],
    ["a tag with a slash", { ...jenkins, tag: "feature/x" }, "tag"],
    ["a digest without algorithm", { ...jenkins, digest: "ab".repeat(32) }, "digest"],
    ["a branch with a space", { ...jenkins, branch: "my branch" }, "branch"],
    ["a default branch of null", { ...jenkins, defaultBranch: null }, "defaultBranch"],
    ["a negative build number", { ...jenkins, buildNumber: -1 }, "buildNumber"],
    ["a fractional build number", { ...jenkins, buildNumber: 4.5 }, "buildNumber"],
    ["a build number that is not digits", { ...jenkins, buildNumber: "#42" }, "buildNumber"],
    ["an ftp url", { ...jenkins, url: "ftp://jenkins.example.com/42" }, "url"],
    ["a url that is no URL", { ...jenkins, url: "jenkins job 42" }, "url"],
    ["a time without zone", { ...jenkins, committedAt: "2024-05-01 12:00" }, "committedAt"],
  ];
  test.each(cases)("%s", (_name, body, field) => {
    const answer = refusal(body);
    expect(answer.field).toBe(field);
    expect(answer.error).toContain(`\`${field}\``);
    expect(answer.fix).toBe(field === "repository" ? answer.fix : FIELD_FIXES[field]);
    expect(answer.fix).not.toBe("");
  });

  test("the sha's fix names the CI variables that carry it", () => {
    expect(refusal({ ...jenkins, sha: "abc" })).toEqual({
      field: "sha",
      error: "invalid `sha`: not a 40-character commit SHA",
      fix: "send the full 40-character commit SHA, e.g. $GIT_COMMIT (Jenkins) or $CI_COMMIT_SHA (GitLab)",
    });
  });

  test("a missing field is required; the first failing field in the contract's order is named", () => {
    expect(refusal({ repository: "acme/web", image: "x" })).toMatchObject({
      field: "sha",
      error: "`sha` is required",
    });
    expect(refusal({ ...jenkins, url: "nope", tag: "/" }).field).toBe("tag");
  });

  test("an unknown field (a typo) is named with the list of fields", () => {
    const answer = refusal({ ...jenkins, build_number: 42 });
    expect(answer.field).toBe("build_number");
    expect(answer.fix).toContain("buildNumber");
  });

  test("a body that is not an object", () => {
    for (const body of [null, [], "acme/web", 42]) expect(refusal(body).field).toBe("body");
  });
});
