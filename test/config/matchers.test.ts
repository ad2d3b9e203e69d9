import {
  branchAllowed,
  environmentsForPath,
  matchSource,
  parseConfig,
  type Config,
  type EnvironmentConfig,
} from "../../src/config/index.js";
import { globMatcher } from "../../src/config/glob-matcher.js";
import type { Build } from "../../src/core/plan/build.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";

function configOf(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const CONFIG = configOf(`sources:
  - repositories: [acme/payments]
    tag: pay-{sha:7}
  - repositories: ["acme/*", "acme-labs/web"]
    tag: "{sha:8}"
  - repositories: ["other/{web,api}", "*/monorepo"]
environments:
  prod:
    paths: ["apps/*/overlays/prod/**", "clusters/prod/**"]
  dev:
    paths: ["apps/*/overlays/dev/**"]
  all-apps:
    paths: ["apps/**"]
`);

describe("matchSource: the first source whose repository globs match, ignoring case", () => {
  test.each<[string, string | undefined]>([
    ["acme/payments", "pay-{sha:7}"],
    ["Acme/Payments", "pay-{sha:7}"],
    ["acme/web", "{sha:8}"],
    ["ACME/web", "{sha:8}"],
    ["acme/.github", "{sha:8}"],
    ["acme-labs/web", "{sha:8}"],
    ["acme-labs/api", undefined],
    ["other/api", "{sha}"],
    ["other/cli", undefined],
    ["anyone/monorepo", "{sha}"],
    ["acme", undefined],
    ["", undefined],
  ])("%s", (repository, tag) => {
    expect(matchSource(CONFIG, repository)?.tag).toBe(tag);
  });
});

describe("environmentsForPath: every environment a file belongs to, in the file's order", () => {
  test.each<[string, string[]]>([
    ["apps/web/overlays/prod/kustomization.yaml", ["prod", "all-apps"]],
    ["apps/web/overlays/dev/deep/values.yaml", ["dev", "all-apps"]],
    ["clusters/prod/ingress.yaml", ["prod"]],
    ["apps/.hidden/overlays/prod/x.yaml", ["prod", "all-apps"]],
    ["apps/web/base/deployment.yaml", ["all-apps"]],
    ["Apps/web/overlays/prod/kustomization.yaml", []],
    ["apps/web/overlays/staging/kustomization.yaml", ["all-apps"]],
    ["README.md", []],
  ])("%s", (path, environments) => {
    expect(environmentsForPath(CONFIG, path)).toEqual(environments);
  });
});

describe("branchAllowed", () => {
  const env = (branches: string[] | undefined): EnvironmentConfig => ({
    paths: ["**"],
    mode: "commit",
    branches,
    mergeMethod: "squash",
    commands: { permission: "write", users: undefined },
    argocd: undefined,
    after: undefined,
    onDegraded: "report",
  });

  test.each<[string[] | undefined, string, string, boolean]>([
    [undefined, "main", "main", true],
    [undefined, "trunk", "trunk", true],
    [undefined, "feature/x", "main", false],
    [undefined, "main", "trunk", false],
    [["main"], "main", "trunk", true],
    [["main"], "Main", "main", false],
    [["release/*"], "release/1.2", "main", true],
    [["release/*"], "release/1/2", "main", false],
    [["release/*"], "main", "main", false],
    [["main", "hotfix-*"], "hotfix-42", "main", true],
    [["**"], "feature/deep/branch", "main", true],
    [["**"], ".dotted", "main", true],
  ])("branches %j: %s (default %s) -> %s", (branches, branch, defaultBranch, allowed) => {
    expect(branchAllowed(env(branches), branch, defaultBranch)).toBe(allowed);
  });
});

describe("globMatcher: `!glob` excludes, in any order; a list of only exclusions is everything else", () => {
  test.each<[string[], string, boolean]>([
    [["acme/*", "!acme/sandbox-*"], "acme/web", true],
    [["acme/*", "!acme/sandbox-*"], "acme/sandbox-1", false],
    [["!acme/sandbox-*", "acme/*"], "acme/sandbox-1", false], // order does not matter
    [["!acme/sandbox-*", "acme/*"], "acme/web", true],
    [["!acme/sandbox-*"], "acme/web", true],
    [["!acme/sandbox-*"], "other/api", true],
    [["!acme/sandbox-*"], "acme/sandbox-2", false],
    [["!acme/sandbox-*", "!acme/tmp"], "acme/tmp", false],
    [["!acme/sandbox-*", "!acme/tmp"], "acme/api", true],
    [["acme/*", "!acme/{a,b}"], "acme/b", false],
    [["acme/*", "!acme/{a,b}"], "acme/c", true],
    [["acme/*", "other/*", "!*/legacy"], "other/legacy", false],
    [["acme/*", "other/*", "!*/legacy"], "other/new", true],
    [["acme/*"], "!acme/x", false],
    [[], "acme/web", false],
  ])("%j: %s -> %s", (globs, text, matches) => {
    expect(globMatcher(globs)(text)).toBe(matches);
  });

  test("exclusions ignore case where the list does", () => {
    expect(globMatcher(["acme/*", "!acme/sandbox-*"], { nocase: true })("ACME/Sandbox-1")).toBe(false);
  });
});

describe("exclusions in every glob list of the configuration", () => {
  const config = configOf(`sources:
  - repositories: ["acme/*", "!acme/sandbox-*"]
    tag: "{sha:7}"
    workflows: [".github/workflows/*.yml", "!.github/workflows/nightly.yml"]
  - repositories: ["!acme/*"]
environments:
  prod:
    paths: ["apps/**", "!apps/legacy/**"]
    branches: [main, "release/*", "!release/old-*"]
  dev:
    paths: ["apps/*/overlays/dev/**"]
    branches: ["!wip/*"]
`);

  test.each<[string, string | undefined]>([
    ["acme/web", "{sha:7}"],
    ["acme/sandbox-1", undefined], // excluded by the first source, and the second takes no acme repository
    ["Acme/Sandbox-1", undefined],
    ["other/web", "{sha}"],
  ])("sources: %s -> %s", (repository, tag) => {
    expect(matchSource(config, repository)?.tag).toBe(tag);
  });

  test.each<[string, string[]]>([
    ["apps/web/overlays/prod/kustomization.yaml", ["prod"]],
    ["apps/legacy/overlays/prod/kustomization.yaml", []],
    ["apps/web/overlays/dev/kustomization.yaml", ["prod", "dev"]],
  ])("paths: %s -> %j", (path, environments) => {
    expect(environmentsForPath(config, path)).toEqual(environments);
  });

  test.each<[string, string, boolean]>([
    ["prod", "release/1.2", true],
    ["prod", "release/old-1", false],
    ["prod", "feature/x", false],
    ["dev", "feature/x", true],
    ["dev", "wip/x", false],
  ])("branches of %s: %s -> %s", (environment, branch, allowed) => {
    expect(branchAllowed(config.environments[environment]!, branch, "main")).toBe(allowed);
  });

  test("workflows: an excluded workflow's build is ignored", () => {
    const build = (path: string): Build => ({
      id: "1",
      trigger: "workflow_run",
      repository: { owner: "acme", name: "web", defaultBranch: "main", htmlUrl: "https://x/acme/web" },
      sha: "0123456789abcdef0123456789abcdef01234567",
      branch: "main",
      event: "push",
      workflowPath: path,
      url: undefined,
      image: undefined,
      receivedAt: 0,
    });
    expect(resolveBuild(config, build(".github/workflows/build.yml")).ok).toBe(true);
    expect(resolveBuild(config, build(".github/workflows/nightly.yml"))).toEqual({
      ok: false,
      ignored: { reason: "workflow-not-configured", workflow: ".github/workflows/nightly.yml" },
    });
  });
});

describe("exclusions are validated", () => {
  test.each<[string, string, string]>([
    ['["!"]', "`sources[0].repositories[0]`: `!` alone excludes nothing", "3:20"],
    [
      '["acme/*", "!web"]',
      "`sources[0].repositories[1]`: repository glob `web` is not of the form owner/name",
      "3:30",
    ],
    [
      '["acme/*", "!acme/[z"]',
      "`sources[0].repositories[1]`: `acme/[z` is not a valid glob: a [ is never closed",
      "3:30",
    ],
  ])("repositories %s", (globs, message, at) => {
    const result = parseConfig(
      `# x\nsources:\n  - repositories: ${globs}\nenvironments:\n  prod:\n    paths: ["apps/**"]\n`,
    );
    expect(result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.message}`)).toEqual([
      `${at} ${message}`,
    ]);
  });

  test("paths of only exclusions would take the whole repository: a problem", () => {
    const result = parseConfig(
      `sources:\n  - repositories: ["acme/*"]\nenvironments:\n  prod:\n    paths: ["!apps/legacy/**"]\n`,
    );
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({
        line: 5,
        column: 12,
        message: expect.stringContaining("only excludes files"),
        fix: expect.stringContaining('["apps/*/overlays/prod/**", "!apps/legacy/**"]'),
      }),
    ]);
  });
});
