import {
  branchAllowed,
  environmentsForPath,
  matchSource,
  parseConfig,
  type Config,
  type EnvironmentConfig,
} from "../../src/config/index.js";

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
