// A monorepo's images in one batch: each image keeps its own ordering (one image's newer build never
// decides for another's) and its own pull request per environment.
import { parseConfig, type Config } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";
import { planBatch } from "../../src/core/plan/plan-batch.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import type { Wanted } from "../../src/core/plan/wanted.js";

const API = "ghcr.io/acme/shop-api";
const WEB = "ghcr.io/acme/shop-web";
const SHA = "3f1c2a9b8e7d6c5b4a3928171615141312111009";

function config(): Config {
  const result = parseConfig(`sources:
  - repositories: [acme/shop]
    triggers: [build]
    tag: "{build}-{sha:7}"
    order: build-number
    images:
      - image: ${API}
      - image: ${WEB}
environments:
  dev: { paths: [dev/**] }
  prod: { paths: [prod/**], mode: pull-request }
`);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

function want(cfg: Config, image: string, buildNumber: number): Wanted {
  const tag = `${buildNumber}-${SHA.slice(0, 7)}`;
  const build: Build = {
    trigger: "build",
    id: `${image}:${tag}`,
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
    image: { name: image, tag, digest: undefined },
    buildNumber,
    receivedAt: 0,
  };
  const resolution = resolveBuild(cfg, build);
  if (!resolution.ok) throw new Error(resolution.ignored.reason);
  return resolution.wanted;
}

const file = (path: string, image: string, build: number) => ({
  path,
  text: `images:\n  - name: ${image}\n    newTag: "${build}-aaaaaaa"\n`,
  images: [image],
});

test("the api's build 42 is older than its deployed 43 and skipped; the web's 41 is written, by its own order", () => {
  const cfg = config();
  const plan = planBatch(
    {
      config: cfg,
      wanted: [want(cfg, API, 42), want(cfg, WEB, 41)],
      files: [
        file("dev/api.yaml", API, 43),
        file("dev/web.yaml", WEB, 40),
        file("prod/api.yaml", API, 40),
        file("prod/web.yaml", WEB, 40),
      ],
    },
    () => {
      throw new Error("GitHub is never asked about a source ordered by its tags");
    },
  );
  expect(plan.commit.writes.map((write) => [write.path, write.text.match(/newTag: "(.*)"/)?.[1]])).toEqual([
    ["dev/web.yaml", "41-3f1c2a9"],
  ]);
  expect(
    plan.outcomes.flatMap((outcome) =>
      outcome.kind === "skipped" ? [[outcome.environment, outcome.wanted.image, outcome.skip.reason]] : [],
    ),
  ).toEqual([["dev", API, "older-by-order"]]);
  // prod: one pull request per image, each with its own file and build.
  expect(
    plan.pullRequests
      .map((change) => [change.environment, change.image, change.writes.map((write) => write.path)])
      .sort(),
  ).toEqual([
    ["prod", API, ["prod/api.yaml"]],
    ["prod", WEB, ["prod/web.yaml"]],
  ]);
});
