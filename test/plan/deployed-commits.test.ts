import { buildOf, validConfig } from "../helpers/plan-fixtures.js";
import { deployedCommits } from "../../src/core/plan/deployed-commits.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";

const CONFIG = validConfig(`sources:
  - repositories: ["acme/web", "acme/api"]
  - repositories: ["acme/short"]
    tag: "sha-{sha:7}"
  - repositories: ["acme/jobs"]
    order: build-number
    tag: "{build}-{sha}"
environments:
  dev:
    paths: ["apps/*/dev/**"]
    branches: ["**"]
`);

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const D = "d".repeat(40);

const build = (repo: string, sha: string, fields: Parameters<typeof buildOf>[2] = {}) =>
  buildOf(repo, sha, { workflowPath: ".github/workflows/build.yml", buildNumber: 7, ...fields });

function wanted(...builds: ReturnType<typeof buildOf>[]) {
  return builds.flatMap((one) => {
    const resolved = resolveBuild(CONFIG, one);
    if (!resolved.ok) throw new Error(resolved.ignored.reason);
    return resolved.all;
  });
}

const file = (service: string, env: string, image: string, tag: string) => ({
  path: `apps/${service}/${env}/kustomization.yaml`,
  text: `images:\n  - name: ${image}\n    newTag: "${tag}"\n`,
});

test("the commits each build's files deploy, read through its tag template, in its own repository", () => {
  const files = [
    file("web", "dev", "ghcr.io/acme/web", B),
    file("web", "prod", "ghcr.io/acme/web", C),
    file("web", "qa", "ghcr.io/acme/web", B.toUpperCase()),
    file("api", "dev", "ghcr.io/acme/api", D),
  ];
  expect(deployedCommits(wanted(build("acme/web", A), build("acme/api", A)), files, 10)).toEqual([
    { repo: "acme/web", sha: B },
    { repo: "acme/web", sha: C },
    { repo: "acme/api", sha: D },
  ]);
});

test("none for the build's own commit, a tag not from the template, an abbreviated SHA or another order", () => {
  const files = [
    file("web", "dev", "ghcr.io/acme/web", A),
    file("web", "prod", "ghcr.io/acme/web", "v1.2.3"),
    file("short", "dev", "ghcr.io/acme/short", "sha-bbbbbbb"),
    file("jobs", "dev", "ghcr.io/acme/jobs", `6-${B}`),
  ];
  const builds = [build("acme/web", A), build("acme/short", A), build("acme/jobs", A)];
  expect(deployedCommits(wanted(...builds), files, 10)).toEqual([]);
});

test("at most `limit` commits, the builds' order first", () => {
  const files = [file("web", "dev", "ghcr.io/acme/web", B), file("api", "dev", "ghcr.io/acme/api", C)];
  expect(deployedCommits(wanted(build("acme/api", A), build("acme/web", A)), files, 1)).toEqual([
    { repo: "acme/api", sha: C },
  ]);
  expect(deployedCommits(wanted(build("acme/web", A)), files, 0)).toEqual([]);
});
