import { parseConfig, type Config } from "../../src/config/index.js";
import {
  applicationEnvironments,
  manifestsCandidates,
} from "../../src/core/feedback/application-environments.js";
import type { Observation } from "../../src/core/feedback/observation.js";

function config(extra = ""): Config {
  const result = parseConfig(`sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
  staging:
    paths: ["staging/*.yaml"]
  prod:
    paths: ["apps/*/overlays/prod/**", "clusters/prod/**"]
${extra}`);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function observation(
  repoURL: string,
  path: string | undefined,
  fields: Partial<Observation> = {},
): Observation {
  return {
    application: "web-dev",
    namespace: "argocd",
    project: "default",
    labels: {},
    sources: [{ repoURL, path, targetRevision: "main" }],
    revision: undefined,
    syncStatus: "Synced",
    healthStatus: "Healthy",
    healthMessage: undefined,
    operationPhase: undefined,
    operationMessage: undefined,
    images: undefined,
    observedAt: 0,
    url: undefined,
    via: "api",
    ...fields,
  };
}

const manifests = { owner: "acme", name: "manifests" };
const HTTPS = "https://github.com/acme/manifests.git";

function place(o: Observation, cfg = config(), githubHost = "github.com"): string[] {
  return applicationEnvironments({ config: cfg, manifests, githubHost, observation: o });
}

describe("which environment an application deploys, from its source", () => {
  test.each([
    ["https with .git", HTTPS, "apps/web/overlays/dev", ["dev"]],
    ["https without .git", "https://github.com/acme/manifests", "apps/web/overlays/prod", ["prod"]],
    ["scp-like ssh", "git@github.com:acme/manifests.git", "apps/web/overlays/dev", ["dev"]],
    ["ssh URL", "ssh://git@github.com/acme/manifests.git", "apps/web/overlays/prod/", ["prod"]],
    ["another case", "https://github.com/ACME/Manifests.git", "./apps/web/overlays/dev", ["dev"]],
    ["a directory under an environment's **", HTTPS, "clusters/prod/web", ["prod"]],
    ["files directly in the directory (staging/*.yaml)", HTTPS, "staging", ["staging"]],
    ["a directory below staging/ (not directly in it)", HTTPS, "staging/web", []],
    ["the base, in no environment", HTTPS, "apps/web/base", []],
    ["a path leaving the repository", HTTPS, "apps/web/overlays/dev/../../../..", []],
    [
      "a GitLab repository of the same owner and name",
      "https://gitlab.com/acme/manifests.git",
      "apps/web/overlays/dev",
      [],
    ],
    ["GitLab over ssh", "git@gitlab.com:acme/manifests.git", "apps/web/overlays/dev", []],
    ["another repository", "https://github.com/acme/other.git", "apps/web/overlays/dev", []],
    ["no path (a Helm values ref)", HTTPS, undefined, []],
  ])("%s", (_name, url, path, expected) => {
    expect(place(observation(url, path))).toEqual(expected);
  });

  test("on GitHub Enterprise or the twin, the host is the API's, and github.com is not it", () => {
    const twin = "127.0.0.1:4010";
    expect(
      place(observation("http://127.0.0.1:4010/acme/manifests.git", "apps/web/overlays/dev"), config(), twin),
    ).toEqual(["dev"]);
    expect(place(observation(HTTPS, "apps/web/overlays/dev"), config(), twin)).toEqual([]);
  });

  test("an application with several sources is placed by the one in this repository", () => {
    const o = observation("https://charts.example.com", undefined, {
      sources: [
        {
          repoURL: "https://github.com/acme/charts.git",
          path: "apps/web/overlays/prod",
          targetRevision: "main",
        },
        { repoURL: HTTPS, path: "apps/web/overlays/dev", targetRevision: "main" },
      ],
    });
    expect(place(o)).toEqual(["dev"]);
  });
});

describe("environments.<env>.argocd names applications when paths do not tell", () => {
  const named = config(`    argocd:
      applications: ["*-prod", "!sandbox-*"]
  qa:
    paths: ["qa/**"]
    argocd:
      selector: "env=qa,team!=legacy"
`);

  test.each([
    ["a name matching prod's glob, whatever its path", "web-prod", {}, "apps/web/overlays/dev", ["prod"]],
    [
      "a name the `!` glob excludes falls back to paths",
      "sandbox-prod",
      {},
      "apps/web/overlays/dev",
      ["dev"],
    ],
    ["labels matching qa's selector", "web", { env: "qa" }, "charts/web", ["qa"]],
    ["labels the selector excludes", "web", { env: "qa", team: "legacy" }, "charts/web", []],
    ["neither: the path decides", "web", {}, "apps/web/overlays/dev", ["dev"]],
  ])("%s", (_name, application, labels, path, expected) => {
    expect(place(observation(HTTPS, path, { application, labels }), named)).toEqual(expected);
  });

  test("naming does not make another repository's application ours", () => {
    expect(
      place(observation("https://gitlab.com/acme/manifests.git", "x", { application: "web-prod" }), named),
    ).toEqual([]);
  });

  test("applications and selector together must both hold; a selector that does not parse names nothing", () => {
    const both = config(`    argocd:
      applications: ["web-*"]
      selector: "env=prod"
`);
    expect(
      place(observation(HTTPS, "charts/web", { application: "web-x", labels: { env: "prod" } }), both),
    ).toEqual(["prod"]);
    expect(
      place(observation(HTTPS, "charts/web", { application: "web-x", labels: { env: "dev" } }), both),
    ).toEqual([]);
    const broken = config(`    argocd:
      selector: "env in (prod"
`);
    expect(place(observation(HTTPS, "apps/web/overlays/dev", { labels: { env: "prod" } }), broken)).toEqual([
      "dev",
    ]);
  });
});

test("the manifests repositories an observation's sources name, on this GitHub only", () => {
  const o = observation(HTTPS, "x", {
    sources: [
      { repoURL: HTTPS, path: "a", targetRevision: undefined },
      { repoURL: "git@github.com:acme/manifests.git", path: "b", targetRevision: undefined },
      { repoURL: "https://gitlab.com/acme/other.git", path: "c", targetRevision: undefined },
      { repoURL: "https://github.com/acme/platform", path: "d", targetRevision: undefined },
    ],
  });
  expect(manifestsCandidates(o, "github.com")).toEqual([
    { owner: "acme", name: "manifests" },
    { owner: "acme", name: "platform" },
  ]);
});
