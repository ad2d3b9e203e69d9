import type { Landing } from "../../src/core/plan/landing.js";
import type { Outcome } from "../../src/core/plan/outcome.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import {
  commitStatusText,
  deploymentStatusText,
  DESCRIPTION_LIMIT,
} from "../../src/core/render/report-text.js";

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

test.each<[string, Landing | undefined, string, string, string]>([
  [
    "a pull request waiting for review",
    { kind: "pull-request", url, label: "#42", awaiting: "review" },
    "pending",
    "3f2c1a9 proposed for prod in acme/manifests#42, waiting for review",
    "queued",
  ],
  [
    "an auto-merge pull request waiting for its checks",
    { kind: "pull-request", url, label: "#42", awaiting: "checks" },
    "pending",
    "3f2c1a9 proposed for prod in acme/manifests#42, waiting for its checks to merge",
    "queued",
  ],
  [
    "a pull request the app merged at once",
    { kind: "pull-request", url, label: "#42", merged: true, awaiting: "checks" },
    "success",
    "3f2c1a9 written for prod in acme/manifests (merged #42)",
    "success",
  ],
  [
    "a commit",
    { kind: "commit", url: "https://github.com/acme/manifests/commit/abc", label: "abc1234" },
    "success",
    "3f2c1a9 written for prod in acme/manifests (abc1234)",
    "success",
  ],
])("%s", (_name, landing, state, description, deploymentState) => {
  expect(commitStatusText(written, landing, "acme/manifests", 0)).toEqual({ state, description });
  expect(deploymentStatusText(written, landing, "acme/manifests").state).toBe(deploymentState);
});

test("descriptions fit GitHub's 140 characters", () => {
  const long = "acme/" + "m".repeat(200);
  const landing: Landing = { kind: "pull-request", url, label: "#42" };
  expect(commitStatusText(written, landing, long, 3).description.length).toBe(DESCRIPTION_LIMIT);
  expect(deploymentStatusText(written, landing, long).description.length).toBe(DESCRIPTION_LIMIT);
});
