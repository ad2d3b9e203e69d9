// The observer against the twin: what a pass reads, what it keeps, and what a small budget leaves for later.
import { Observer } from "../../src/services/observer.js";
import { ManifestIndex } from "../../src/services/manifest-index.js";
import { CONFIG, overlay } from "../e2e/bot-harness.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";

let fx: TwinFixture;
const manifests = { owner: "acme", name: "manifests" };
const NOW = Date.parse("2026-11-22T12:00:00Z");

afterEach(() => closeExpectingNoViolations(fx));

/** acme/web and acme/api, each with two successful builds; prod runs the older one of each. */
async function start(): Promise<void> {
  fx = await startTwin({ files: [{ path: "README.md", content: "# manifests\n" }] });
  const store = fx.twin.store;
  const files = [{ path: ".github/gitops-image-bot.yml", content: CONFIG }];
  for (const name of ["web", "api"]) {
    const repo = await store.createRepo({
      owner: "acme",
      name,
      files: [{ path: "Dockerfile", content: "FROM scratch\n" }],
    });
    const shas: string[] = [];
    for (const n of [1, 2]) {
      const sha = await store.commitFiles(repo, "main", [{ path: "v", content: `${n}\n` }], `build ${n}`);
      store.recordWorkflowRun(repo, { headSha: sha, headBranch: "main" });
      shas.push(sha);
    }
    files.push({
      path: `apps/${name}/overlays/prod/kustomization.yaml`,
      content: overlay(`ghcr.io/acme/${name}`, shas[0]!),
    });
  }
  await store.commitFiles(fx.repo, "main", files, "manifests");
}

test("a budget too small for the branch histories leaves them for the next pass, which reads them", async () => {
  await start();
  const observer = new Observer(new ManifestIndex());
  const poor = await observer.observe(fx.octokit, manifests, NOW, { left: () => 3 });
  if (poor.kind !== "observed") throw new Error(poor.reason);
  expect(poor.observation.unread).toBe(2);
  expect(poor.observation.rows.map((row) => [row.image, row.state])).toEqual([
    ["ghcr.io/acme/api", { kind: "untracked", why: "not read in this pass" }],
    ["ghcr.io/acme/web", { kind: "untracked", why: "not read in this pass" }],
  ]);

  const next = await observer.observe(fx.octokit, manifests, NOW);
  if (next.kind !== "observed") throw new Error(next.reason);
  expect(next.observation.unread).toBe(0);
  expect(next.observation.rows.map((row) => [row.image, row.state.kind, row.behind, row.repair])).toEqual([
    ["ghcr.io/acme/api", "behind", 1, true],
    ["ghcr.io/acme/web", "behind", 1, true],
  ]);

  // Nothing moved: the head read and the source heads, and no tree, blob or history is read again.
  fx.twin.counters.reset();
  const again = await observer.observe(fx.octokit, manifests, NOW);
  expect(again.kind === "observed" && again.observation.rows).toEqual(next.observation.rows);
  expect(fx.twin.counters.total).toBe(2);
});
