import type { Landing } from "../../src/core/plan/landing.js";
import type { Outcome } from "../../src/core/plan/outcome.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import { commitStatusText, DESCRIPTION_LIMIT } from "../../src/core/render/report-text.js";
import { writtenStatus } from "../../src/core/feedback/deployment-steps.js";

const SHA = "3f2c1a9e0b7d4c6a8e5f1b2d3c4a5e6f7a8b9c0d";
const wanted = {
  build: { sha: SHA, id: "d1", repository: { owner: "acme", name: "web" } },
  image: "ghcr.io/acme/web",
  tag: SHA,
  digest: undefined,
  tagTemplate: "{sha}",
} as unknown as Wanted;
const written: Extract<Outcome, { kind: "written" }> = {
  kind: "written",
  wanted,
  environment: "prod",
  updates: [{ path: "apps/web/prod/kustomization.yaml" }],
} as unknown as Extract<Outcome, { kind: "written" }>;
const url = "https://github.com/acme/manifests/pull/42";

test.each<[string, Landing | undefined, string, string]>([
  [
    "a pull request waiting for review",
    { kind: "pull-request", url, label: "#42", awaiting: "review", number: 42 },
    "proposed in acme/manifests#42, waiting for review",
    "pending",
  ],
  [
    "an auto-merge pull request waiting for its checks",
    { kind: "pull-request", url, label: "#42", awaiting: "checks", number: 42 },
    "proposed in acme/manifests#42, waiting for its checks to merge",
    "pending",
  ],
  [
    "a pull request the app merged at once",
    { kind: "pull-request", url, label: "#42", merged: true, awaiting: "checks", branch: "main" },
    "on main via acme/manifests#42, waiting for Argo CD",
    "in_progress",
  ],
  [
    "a commit",
    {
      kind: "commit",
      url: "https://github.com/acme/manifests/commit/abc",
      label: "abc1234",
      oid: "abc1234def",
      branch: "main",
    },
    "on main at abc1234, waiting for Argo CD",
    "in_progress",
  ],
])(
  "%s: the commit status is pending until Argo CD says more",
  (_name, landing, description, deploymentState) => {
    expect(commitStatusText(written, landing, "acme/manifests", 0)).toEqual({
      state: "pending",
      description,
    });
    expect(writtenStatus(landing, "acme/manifests")).toEqual({ state: deploymentState, description });
  },
);

test("descriptions fit GitHub's 140 characters", () => {
  const long = "acme/" + "m".repeat(200);
  const landing: Landing = { kind: "pull-request", url, label: "#42" };
  expect(commitStatusText(written, landing, long, 3).description.length).toBe(DESCRIPTION_LIMIT);
  expect(writtenStatus(landing, long).description.length).toBe(DESCRIPTION_LIMIT);
});
