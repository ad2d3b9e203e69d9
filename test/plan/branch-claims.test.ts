import { parseConfig, type Config } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";
import { branchClaims, withoutBranches } from "../../src/core/plan/branch-claims.js";
import type { Wanted } from "../../src/core/plan/wanted.js";

const A = "a".repeat(40);

function config(devBranches: string): Config {
  const result = parseConfig(`sources:
  - repositories: ["acme/*"]
environments:
  dev: { paths: ["apps/*/dev/**"], branches: ${devBranches} }
  prod: { paths: ["apps/*/prod/**"] }
`);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function wanted(branch: string | undefined, trigger: Build["trigger"] = "workflow_run"): Wanted {
  return {
    build: {
      trigger,
      id: `${trigger}-${branch ?? "none"}`,
      repository: { owner: "Acme", name: "Web", defaultBranch: "main", htmlUrl: "" },
      sha: A,
      branch,
      event: "push",
      workflowPath: undefined,
      url: undefined,
      image: undefined,
      receivedAt: 0,
    },
    image: "ghcr.io/acme/web",
    tag: A,
    digest: undefined,
    tagTemplate: "{sha}",
  };
}

test("a workflow run's branch is claimed where some environment would let it deploy, once per commit and branch", () => {
  const builds = [wanted("main"), wanted("main"), wanted("feature"), wanted(undefined)];
  expect(branchClaims(config('["release/*"]'), builds)).toEqual([
    { repo: "acme/web", branch: "main", sha: A },
  ]);
  expect(branchClaims(config('["**"]'), builds)).toEqual([
    { repo: "acme/web", branch: "main", sha: A },
    { repo: "acme/web", branch: "feature", sha: A },
  ]);
  // Commands and passes name their branch themselves.
  expect(branchClaims(config('["**"]'), [wanted("main", "command"), wanted("main", "reconcile")])).toEqual(
    [],
  );
});

test("a refused claim takes the branch away from its builds only", () => {
  const builds = [wanted("main"), wanted("feature"), wanted("main", "command")];
  const checked = withoutBranches(builds, [{ repo: "acme/web", branch: "main", sha: A }]);
  expect(checked.map((entry) => entry.build.branch)).toEqual([undefined, "feature", "main"]);
  expect(checked[1]).toBe(builds[1]);
  expect(checked[2]).toBe(builds[2]);
});

test("a build of a repository on another host claims nothing GitHub could check: its branch is taken as the CI says", () => {
  const foreign = (entry: Wanted): Wanted => ({
    ...entry,
    build: { ...entry.build, repository: { ...entry.build.repository, host: "gitlab.example.com" } },
  });
  const builds = [foreign(wanted("main")), foreign(wanted("main", "build"))];
  expect(branchClaims(config('["**"]'), builds)).toEqual([]);
  // Its branch stays: the plan's branch rule applies to what the CI said.
  expect(withoutBranches(builds, []).map((entry) => entry.build.branch)).toEqual(["main", "main"]);
});
