// A reconciliation pass over sources whose builds it cannot find on GitHub: a source on another host
// (GitLab) is skipped without a request, and the dashboard says so and shows each tag's order.
import { DASHBOARD_TITLE } from "../../src/core/render/dashboard.js";
import { closeExpectingNoViolations, overlay, sourceRepo, startBot, type BotHarness } from "./bot-harness.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
    host: gitlab.example.com
    triggers: [build]
    image: harbor.example.com/{owner}/{repo}
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    branches: ["**"]
`;
const API_DEV = "apps/api/overlays/dev/kustomization.yaml";

let bot: BotHarness;

beforeEach(async () => {
  bot = await startBot([
    {
      name: "manifests",
      files: [
        { path: ".github/gitops-image-bot.yml", content: CONFIG },
        { path: API_DEV, content: overlay("harbor.example.com/acme/api", "42-3f1c2a9") },
      ],
    },
    // GitHub has a repository of the same name: another one, never asked about.
    sourceRepo("api"),
  ]);
});

afterEach(() => closeExpectingNoViolations(bot));

test("the pass asks GitHub nothing about a GitLab source; the dashboard says where its builds come from, and their order", async () => {
  bot.twin.counters.reset();
  await bot.reconcile();
  const dashboard = [...bot.repo("acme", "manifests").issues.values()].find(
    (issue) => issue.title === DASHBOARD_TITLE,
  );
  expect(dashboard?.body).toContain(
    "builds of gitlab.example.com/acme/api arrive from gitlab.example.com; the pass does not look for them",
  );
  expect(dashboard?.body).toContain("build 42 (by build number)");
  // Only the manifests repository's reads (head and files, blobs, history): asking about the source's
  // heads and histories (GitHub's acme/api, another repository) would add two queries.
  expect(bot.twin.counters.count("graphql query repository")).toBe(4);
  expect(
    Object.keys(bot.twin.counters.snapshot().byRoute).filter((route) => route.includes("/commits")),
  ).toEqual([]);
  expect(bot.repo("acme", "api").statuses).toEqual([]);
});
