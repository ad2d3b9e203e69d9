import type { Build } from "../../src/core/plan/build.js";
import { onePerBuild } from "../../src/core/plan/one-per-build.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import { parseConfig } from "../../src/config/index.js";

const A = "a".repeat(40);
const B = "b".repeat(40);

function build(sha: string, id: string, image?: Build["image"]): Build {
  return {
    trigger: image ? "package" : "workflow_run",
    id,
    repository: { owner: "acme", name: "web", defaultBranch: "main", htmlUrl: "https://github.com/acme/web" },
    sha,
    branch: "main",
    event: "push",
    workflowPath: ".github/workflows/build.yml",
    url: undefined,
    image,
    receivedAt: 0,
  };
}

function wanted(sha: string, id: string, extra: Partial<Wanted> = {}): Wanted {
  return {
    build: build(sha, id),
    image: "ghcr.io/acme/web",
    tag: sha,
    digest: undefined,
    tagTemplate: "{sha}",
    ...extra,
  };
}

test.each<[string, Wanted[], string[], (readonly string[] | undefined)[]]>([
  ["two deliveries of one build are one", [wanted(A, "d1"), wanted(A, "d2")], ["d1"], [undefined]],
  ["two builds stay two", [wanted(A, "d1"), wanted(B, "d2")], ["d1", "d2"], [undefined, undefined]],
  [
    "a pass limited to dev and the webhook: everywhere",
    [wanted(A, "pass", { only: ["dev"] }), wanted(A, "d1")],
    ["pass"],
    [undefined],
  ],
  [
    "two passes limited to dev and qa: both",
    [wanted(A, "p1", { only: ["dev"] }), wanted(A, "p2", { only: ["qa"] })],
    ["p1"],
    [["dev", "qa"]],
  ],
  [
    "another digest of the same tag is another build",
    [
      wanted(A, "d1", { digest: `sha256:${"1".repeat(64)}` }),
      wanted(A, "d2", { digest: `sha256:${"2".repeat(64)}` }),
    ],
    ["d1", "d2"],
    [undefined, undefined],
  ],
  [
    "a person's command is never folded",
    [
      wanted(A, "d1"),
      wanted(A, "c1", { explicit: { by: "alice", environments: ["dev"], force: false, anyBranch: false } }),
    ],
    ["d1", "c1"],
    [undefined, undefined],
  ],
])("%s", (_name, input, ids, only) => {
  const kept = onePerBuild(input);
  expect(kept.map((entry) => entry.build.id)).toEqual(ids);
  expect(kept.map((entry) => entry.only)).toEqual(only);
});

test("a package's moving tag is ignored; the tag the template makes resolves", () => {
  const parsed = parseConfig(
    `sources:\n  - repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}\nenvironments:\n  dev:\n    paths: ["**"]\n`,
  );
  if (!parsed.ok) throw new Error("config");
  const image = (tag: string) => ({ name: "ghcr.io/acme/web", tag, digest: undefined });
  expect(resolveBuild(parsed.config, build(A, "p1", image("latest")))).toEqual({
    ok: false,
    ignored: { reason: "tag-not-from-template", tag: "latest", template: "sha-{sha:7}" },
  });
  // A tag of the template made from another commit than the image's revision label is not this build's.
  expect(resolveBuild(parsed.config, build(A, "p2", image("sha-bbbbbbb"))).ok).toBe(false);
  expect(resolveBuild(parsed.config, build(A, "p3", image("sha-aaaaaaa"))).ok).toBe(true);
});
