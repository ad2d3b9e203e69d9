import { parseConfig, type Config } from "../../src/config/index.js";
import { valuesFromTag } from "../../src/config/sha-from-tag.js";
import { renderTag, tagFor } from "../../src/config/render-tag.js";
import { parseTagTemplate } from "../../src/config/tag-template.js";
import type { Build } from "../../src/core/plan/build.js";
import { compareTags } from "../../src/core/plan/order.js";
import { comparisonsForBatch, planBatch } from "../../src/core/plan/plan-batch.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import type { Wanted } from "../../src/core/plan/wanted.js";

const SHA = "3f1c2a9b8e7d6c5b4a3928171615141312111009";
const OTHER = "9".repeat(40);

function config(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function problems(text: string): string[] {
  const result = parseConfig(text);
  return result.ok ? [] : result.problems.map((problem) => `${problem.message} | ${problem.fix}`);
}

function build(fields: Partial<Build> = {}): Build {
  return {
    trigger: "build",
    id: "b1",
    repository: {
      owner: "acme",
      name: "shop",
      defaultBranch: "main",
      htmlUrl: "https://github.com/acme/shop",
    },
    sha: SHA,
    branch: "main",
    event: undefined,
    workflowPath: undefined,
    url: undefined,
    image: undefined,
    receivedAt: 0,
    ...fields,
  };
}

describe("tag templates with {build} and {version}", () => {
  test.each<[string, string, { sha?: string; build?: number; version?: string } | undefined]>([
    ["{build}-{sha:7}", "42-3f1c2a9", { sha: "3f1c2a9", build: 42 }],
    ["{build}", "1041", { build: 1041 }],
    ["v{version}", "v1.10.0", { version: "1.10.0" }],
    ["v{version}", "v1.10.0-rc.1", { version: "1.10.0-rc.1" }],
    ["v{version}-{sha:7}", "v2.0.0-beta.2-3f1c2a9", { version: "2.0.0-beta.2", sha: "3f1c2a9" }],
    ["v{version}", "latest", undefined],
    ["v{version}", "v1.10", undefined],
    ["{build}-{sha:7}", "latest", undefined],
    ["{build}-{sha:7}", "x42-3f1c2a9", undefined],
  ])("%s reads %s", (template, tag, values) => {
    const read = valuesFromTag(template, tag);
    if (values === undefined) expect(read).toBeUndefined();
    else expect(read).toEqual({ sha: undefined, build: undefined, version: undefined, ...values });
  });

  test("a template renders a tag from the values it needs, and nothing without them", () => {
    expect(renderTag("{build}-{sha:7}", SHA, { build: 42 })).toBe("42-3f1c2a9");
    expect(tagFor("{build}-{sha:7}", { sha: SHA })).toBeUndefined();
    expect(tagFor("v{version}", { sha: SHA })).toBeUndefined();
    expect(() => renderTag("v{version}", SHA)).toThrow("needs a {version}");
  });

  test.each([
    ["{build}{sha:7}", "side by side"],
    ["{build}-{build}", "more than one {build}"],
    ["{Build}", "write it in lower case: {build}"],
  ])("%s is refused: %s", (template, text) => {
    const parsed = parseTagTemplate(template);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(`${parsed.finding.message} ${parsed.finding.fix}`).toContain(text);
  });
});

describe("a source's order must fit its tag and host", () => {
  test.each([
    ["order: build-number\n    tag: sha-{sha:7}", "has no {build}"],
    ["order: semver\n    tag: sha-{sha:7}", "has no {version}"],
    ["tag: v{version}", "has no {sha}"],
    [
      "host: gitlab.example.com\n    tag: sha-{sha:7}",
      "GitHub cannot tell the ancestry of commits on gitlab.example.com",
    ],
    ["image: ghcr.io/a/b\n    images: [{ image: ghcr.io/a/c }]", "both `image` and `images`"],
  ])("%s", (lines, message) => {
    const text = `sources:\n  - repositories: [acme/shop]\n    ${lines}\nenvironments:\n  dev: { paths: [dev/**] }\n`;
    expect(problems(text).join("\n")).toContain(message);
  });

  test("nested GitLab groups need the host", () => {
    const nested = "sources:\n  - repositories: [payments/backend/api]\n    ";
    const rest = "\nenvironments:\n  dev: { paths: [dev/**] }\n";
    expect(problems(`${nested}tag: "{build}"\n    order: build-number${rest}`).join()).toContain(
      "not of the form owner/name",
    );
    expect(
      problems(`${nested}host: gitlab.example.com\n    tag: "{build}"\n    order: build-number${rest}`),
    ).toEqual([]);
  });
});

describe("compareTags", () => {
  test.each<["build-number" | "semver", string, string, string, string]>([
    ["build-number", "{build}-{sha:7}", "42-aaaaaaa", "41-bbbbbbb", "behind"],
    ["build-number", "{build}-{sha:7}", "9-aaaaaaa", "10-bbbbbbb", "ahead"],
    ["build-number", "{build}", "42", "42", "identical"],
    ["build-number", "{build}", "latest", "42", "unknown"],
    ["semver", "v{version}", "v1.9.3", "v1.10.0", "ahead"],
    ["semver", "v{version}", "v1.10.0", "v1.9.3", "behind"],
    ["semver", "v{version}", "v1.10.0", "v1.10.0-rc.1", "behind"],
    ["semver", "v{version}", "sha-abc", "v1.0.0", "unknown"],
  ])("%s %s: %s then %s is %s", (order, template, deployed, candidate, expected) => {
    expect(compareTags(order, template, deployed, candidate)).toBe(expected);
  });
});

describe("resolveBuild: triggers, hosts, monorepo images", () => {
  const MONOREPO = config(`sources:
  - repositories: [acme/shop]
    triggers: [workflow_run, build]
    images:
      - image: ghcr.io/acme/shop-api
        workflows: [.github/workflows/build-api.yml]
      - image: ghcr.io/acme/shop-web
        workflows: [.github/workflows/build-web.yml]
environments:
  dev: { paths: [dev/**] }
`);

  test("a run of build-api.yml means only the api image", () => {
    const resolution = resolveBuild(
      MONOREPO,
      build({ trigger: "workflow_run", event: "push", workflowPath: ".github/workflows/build-api.yml" }),
    );
    expect(resolution.ok && resolution.all.map((wanted) => wanted.image)).toEqual(["ghcr.io/acme/shop-api"]);
  });

  test("a run of another workflow means no image", () => {
    const resolution = resolveBuild(
      MONOREPO,
      build({ trigger: "workflow_run", event: "push", workflowPath: ".github/workflows/lint.yml" }),
    );
    expect(resolution.ok ? "resolved" : resolution.ignored.reason).toBe("workflow-not-configured");
  });

  test("a build that names the web image means the web image; another image is not the source's", () => {
    const web = resolveBuild(
      MONOREPO,
      build({ image: { name: "ghcr.io/acme/shop-web", tag: SHA, digest: undefined } }),
    );
    expect(web.ok && web.all.map((wanted) => wanted.image)).toEqual(["ghcr.io/acme/shop-web"]);
    const other = resolveBuild(
      MONOREPO,
      build({ image: { name: "ghcr.io/acme/admin", tag: SHA, digest: undefined } }),
    );
    expect(other.ok ? "resolved" : other.ignored.reason).toBe("image-not-from-source");
  });

  test("a trigger the source does not list is ignored", () => {
    const resolution = resolveBuild(
      MONOREPO,
      build({ trigger: "registry", image: { name: "ghcr.io/acme/shop-web", tag: SHA, digest: undefined } }),
    );
    expect(resolution.ok ? "resolved" : resolution.ignored.reason).toBe("trigger-not-configured");
  });

  const GITLAB = config(`sources:
  - repositories: [payments/*]
    host: gitlab.example.com
    triggers: [build]
    image: harbor.example.com/{owner}/{repo}
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev: { paths: [dev/**] }
`);
  const gitlab = (fields: Partial<Build>) =>
    build({
      repository: {
        host: "gitlab.example.com",
        owner: "payments",
        name: "api",
        defaultBranch: "main",
        htmlUrl: "https://gitlab.example.com/payments/api",
      },
      ...fields,
    });

  test("a source on another host takes only that host's builds", () => {
    const image = { name: "harbor.example.com/payments/api", tag: "42-3f1c2a9", digest: undefined };
    const here = resolveBuild(GITLAB, gitlab({ image, buildNumber: 42 }));
    expect(here.ok && { tag: here.wanted.tag, order: here.wanted.order }).toEqual({
      tag: "42-3f1c2a9",
      order: "build-number",
    });
    const onGithub = resolveBuild(
      GITLAB,
      build({ repository: { owner: "payments", name: "api", defaultBranch: "main", htmlUrl: "" }, image }),
    );
    expect(onGithub.ok ? "resolved" : onGithub.ignored.reason).toBe("source-not-configured");
  });

  test("a tag whose number or commit is not the build's is not from the template", () => {
    const wrongNumber = resolveBuild(
      GITLAB,
      gitlab({
        image: { name: "harbor.example.com/payments/api", tag: "41-3f1c2a9", digest: undefined },
        buildNumber: 42,
      }),
    );
    expect(wrongNumber.ok ? "resolved" : wrongNumber.ignored.reason).toBe("tag-not-from-template");
    const wrongSha = resolveBuild(
      GITLAB,
      gitlab({
        image: { name: "harbor.example.com/payments/api", tag: "42-9999999", digest: undefined },
        buildNumber: 42,
      }),
    );
    expect(wrongSha.ok ? "resolved" : wrongSha.ignored.reason).toBe("tag-not-from-template");
    const latest = resolveBuild(
      GITLAB,
      gitlab({ image: { name: "harbor.example.com/payments/api", tag: "latest", digest: undefined } }),
    );
    expect(latest.ok ? "resolved" : latest.ignored.reason).toBe("tag-not-from-template");
  });

  test("a run renders {build} from its number", () => {
    const runs = config(`sources:
  - repositories: [acme/*]
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev: { paths: [dev/**] }
`);
    const resolution = resolveBuild(runs, build({ trigger: "workflow_run", event: "push", buildNumber: 7 }));
    expect(resolution.ok && resolution.wanted.tag).toBe("7-3f1c2a9");
  });
});

describe("planBatch orders build-number and semver sources by their tags", () => {
  const ORDERED = (tag: string, order: string) =>
    config(`sources:
  - repositories: [acme/*]
    triggers: [build]
    tag: "${tag}"
    order: ${order}
environments:
  dev: { paths: [dev/**] }
`);
  const file = (tag: string) => ({
    path: "dev/kustomization.yaml",
    text: `images:\n  - name: ghcr.io/acme/shop\n    newTag: "${tag}"\n`,
    images: ["ghcr.io/acme/shop"],
  });
  const want = (cfg: Config, tag: string, sha: string, buildNumber?: number): Wanted => {
    const resolution = resolveBuild(
      cfg,
      build({ id: tag, sha, buildNumber, image: { name: "ghcr.io/acme/shop", tag, digest: undefined } }),
    );
    if (!resolution.ok) throw new Error(resolution.ignored.reason);
    return resolution.wanted;
  };
  const noCompare = () => {
    throw new Error("GitHub is never asked about a source ordered by its tags");
  };

  test("42 then 41 in one batch: 42 is written, 41 is superseded", () => {
    const cfg = ORDERED("{build}-{sha:7}", "build-number");
    const plan = planBatch(
      {
        config: cfg,
        wanted: [
          want(cfg, `42-${OTHER.slice(0, 7)}`, OTHER, 42),
          want(cfg, `41-${SHA.slice(0, 7)}`, SHA, 41),
        ],
        files: [file("40-aaaaaaa")],
      },
      noCompare,
    );
    expect(plan.commit.writes[0]?.text).toContain('newTag: "42-9999999"');
    expect(plan.outcomes.find((outcome) => outcome.kind === "skipped")?.wanted.tag).toBe("41-3f1c2a9");
  });

  test("41 after 42 is deployed: not written, and the skip says why", () => {
    const cfg = ORDERED("{build}-{sha:7}", "build-number");
    const plan = planBatch(
      { config: cfg, wanted: [want(cfg, `41-${SHA.slice(0, 7)}`, SHA, 41)], files: [file("42-9999999")] },
      noCompare,
    );
    expect(plan.commit.writes).toEqual([]);
    expect(plan.outcomes).toMatchObject([
      {
        kind: "skipped",
        skip: {
          reason: "older-by-order",
          order: "build-number",
          deployed: "build 42",
          candidate: "build 41",
        },
      },
    ]);
  });

  test("semver: v1.10.0 replaces v1.9.3, v1.9.3 does not replace v1.10.0", () => {
    const cfg = ORDERED("v{version}", "semver");
    const up = planBatch(
      { config: cfg, wanted: [want(cfg, "v1.10.0", SHA)], files: [file("v1.9.3")] },
      noCompare,
    );
    expect(up.commit.writes[0]?.text).toContain('newTag: "v1.10.0"');
    const down = planBatch(
      { config: cfg, wanted: [want(cfg, "v1.9.3", SHA)], files: [file("v1.10.0")] },
      noCompare,
    );
    expect(down.commit.writes).toEqual([]);
    expect(down.outcomes[0]?.kind === "skipped" && down.outcomes[0].skip.reason).toBe("older-by-order");
  });

  test("a deployed tag without a version is replaced (nothing to order against)", () => {
    const cfg = ORDERED("v{version}", "semver");
    const plan = planBatch(
      { config: cfg, wanted: [want(cfg, "v1.0.0", SHA)], files: [file("latest")] },
      noCompare,
    );
    expect(plan.commit.writes[0]?.text).toContain('newTag: "v1.0.0"');
  });
});

test("no commit of a repository on another host is ever put to GitHub, whatever the order says", () => {
  const parsed = parseConfig(`sources:
  - repositories: [acme/*]
environments:
  dev: { paths: [dev/**], branches: ["**"] }
`);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const sha = (n: number) => String(n).repeat(40);
  const foreign = (n: number): Wanted => ({
    build: {
      trigger: "build",
      id: `b${n}`,
      repository: {
        host: "gitlab.example.com",
        owner: "acme",
        name: "web",
        defaultBranch: "main",
        htmlUrl: "https://gitlab.example.com/acme/web",
      },
      sha: sha(n),
      branch: "main",
      event: undefined,
      workflowPath: undefined,
      url: undefined,
      image: undefined,
      receivedAt: 0,
    },
    image: "ghcr.io/acme/web",
    tag: sha(n),
    digest: undefined,
    tagTemplate: "{sha}",
  });
  const files = [
    {
      path: "dev/k.yaml",
      text: `images:\n  - name: ghcr.io/acme/web\n    newTag: "${sha(1)}"\n`,
      images: ["ghcr.io/acme/web"],
    },
  ];
  expect(comparisonsForBatch({ config: parsed.config, wanted: [foreign(2), foreign(3)], files })).toEqual([]);
});
