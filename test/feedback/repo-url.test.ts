import {
  githubHostOf,
  githubWebOf,
  isRepoUrl,
  parseRepoUrl,
  repoCloneUrl,
} from "../../src/core/feedback/repo-url.js";
import { parseLabelSelector } from "../../src/core/feedback/label-selector.js";

const manifests = { owner: "acme", name: "manifests" };

describe("repository URLs as Argo CD applications write them", () => {
  test.each([
    ["https://github.com/acme/manifests", { host: "github.com", owner: "acme", name: "manifests" }],
    ["https://github.com/acme/manifests.git", { host: "github.com", owner: "acme", name: "manifests" }],
    ["https://github.com/Acme/Manifests.GIT/", { host: "github.com", owner: "acme", name: "manifests" }],
    ["git@github.com:acme/manifests.git", { host: "github.com", owner: "acme", name: "manifests" }],
    ["ssh://git@github.com/acme/manifests.git", { host: "github.com", owner: "acme", name: "manifests" }],
    [
      "ssh://git@ghe.example.com:2222/acme/manifests",
      { host: "ghe.example.com:2222", owner: "acme", name: "manifests" },
    ],
    [
      "http://127.0.0.1:4010/acme/manifests.git",
      { host: "127.0.0.1:4010", owner: "acme", name: "manifests" },
    ],
    ["https://gitlab.com/acme/manifests.git", { host: "gitlab.com", owner: "acme", name: "manifests" }],
    ["https://gitlab.com/group/sub/manifests.git", undefined],
    ["https://charts.example.com", undefined],
    ["oci://ghcr.io/acme/charts", undefined],
    ["not a url", undefined],
  ])("%s", (url, expected) => {
    expect(parseRepoUrl(url)).toEqual(expected);
  });

  test.each([
    ["https://github.com/acme/manifests.git", "github.com", true],
    ["git@github.com:ACME/manifests.git", "github.com", true],
    ["ssh://git@github.com/acme/manifests.git", "github.com", true],
    // The same owner/name on another host is another repository.
    ["https://gitlab.com/acme/manifests.git", "github.com", false],
    ["git@gitlab.com:acme/manifests.git", "github.com", false],
    ["https://github.com/acme/manifests-old.git", "github.com", false],
    ["https://github.com/acme/manifests.git", "127.0.0.1:4010", false],
    ["http://127.0.0.1:4010/acme/manifests", "127.0.0.1:4010", true],
  ])("%s is acme/manifests on %s: %s", (url, host, expected) => {
    expect(isRepoUrl(url, manifests, host)).toBe(expected);
  });

  test.each([
    ["https://api.github.com", "github.com"],
    ["https://ghe.example.com/api/v3", "ghe.example.com"],
    ["http://127.0.0.1:4010/api/v3", "127.0.0.1:4010"],
  ])("the GitHub of %s is %s", (api, host) => {
    expect(githubHostOf(api)).toBe(host);
    expect(new URL(githubWebOf(api)).host).toBe(host);
  });

  test("Argo CD is asked for the clone URL its documentation writes", () => {
    expect(repoCloneUrl(manifests, githubWebOf("https://api.github.com"))).toBe(
      "https://github.com/acme/manifests.git",
    );
    expect(repoCloneUrl(manifests, githubWebOf("http://127.0.0.1:4010/api/v3"))).toBe(
      "http://127.0.0.1:4010/acme/manifests.git",
    );
  });
});

describe("label selectors", () => {
  const labels = { env: "prod", team: "payments", tier: "" };
  test.each([
    ["env=prod", true],
    ["env==prod", true],
    ["env=dev", false],
    ["env=prod,team=payments", true],
    ["env=prod, team=web", false],
    ["env!=dev", true],
    ["env!=prod", false],
    ["region!=eu", true],
    ["team", true],
    ["region", false],
    ["!region", true],
    ["!team", false],
    ["env in (prod,staging)", true],
    ["env notin (prod,staging)", false],
    ["region notin (eu)", true],
    ["tier=", true],
  ])("%s on env=prod,team=payments: %s", (selector, expected) => {
    const parsed = parseLabelSelector(selector);
    expect(parsed).toBeDefined();
    expect(parsed?.(labels)).toBe(expected);
  });

  test.each(["", ",", "env=prod,", "env in (prod", "a b", "env=pr od", "=prod"])(
    "%j is not a selector",
    (selector) => {
      expect(parseLabelSelector(selector)).toBeUndefined();
    },
  );
});
