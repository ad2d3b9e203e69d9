// Sources whose builds a reconciliation pass cannot find on GitHub: rows say why, and say the order.
import { parseConfig, type Config } from "../../src/config/index.js";
import { observe, type DeployedEntry } from "../../src/core/reconcile/observe.js";
import { rowsTable } from "../../src/core/render/deployment-rows.js";
import { EMPTY_STATE } from "../../src/state/state-file.js";

function config(text: string): Config {
  const result = parseConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const CONFIG = config(`sources:
  - repositories: [payments/*]
    host: gitlab.example.com
    triggers: [build]
    image: harbor.example.com/{owner}/{repo}
    tag: "{build}-{sha:7}"
    order: build-number
  - repositories: [acme/web]
    triggers: [workflow_run]
    tag: "v{version}"
    order: semver
  - repositories: [acme/jobs]
    triggers: [registry]
  - repositories: [acme/*]
environments:
  dev: { paths: ["dev/**"], branches: ["**"] }
`);

const entry = (image: string, tag: string): DeployedEntry => ({
  environment: "dev",
  path: `dev/${image.split("/").pop() ?? ""}.yaml`,
  image,
  tag,
});

function rows() {
  return observe({
    config: CONFIG,
    state: EMPTY_STATE,
    now: Date.parse("2026-11-22T00:00:00Z"),
    depth: 30,
    entries: [
      entry("harbor.example.com/payments/api", "42-3f1c2a9"),
      entry("ghcr.io/acme/web", "v1.10.0"),
      entry("ghcr.io/acme/jobs", "sha-3f1c2a9"),
    ],
    // Nothing was read for them: the observer asks GitHub nothing about such sources.
    sources: new Map(),
  });
}

test("a source on another host, one fed only by a registry, one ordered by version: each row says why the pass skips it", () => {
  const byImage = new Map(rows().map((row) => [row.image, row]));
  expect(byImage.get("harbor.example.com/payments/api")).toMatchObject({
    repository: "gitlab.example.com/payments/api",
    sha: "3f1c2a9",
    order: { order: "build-number", value: "build 42" },
    state: {
      kind: "untracked",
      why: "builds of gitlab.example.com/payments/api arrive from gitlab.example.com; the pass does not look for them",
    },
    repair: false,
  });
  expect(byImage.get("ghcr.io/acme/web")).toMatchObject({
    order: { order: "semver", value: "1.10.0" },
    state: { kind: "untracked", why: expect.stringContaining("ordered by semantic version") },
  });
  expect(byImage.get("ghcr.io/acme/jobs")).toMatchObject({
    order: undefined,
    state: {
      kind: "untracked",
      why: "builds of acme/jobs arrive through registry webhooks; the pass does not look for them",
    },
  });
});

test("the table shows the order instead of commits behind", () => {
  const table = rowsTable(rows(), Date.parse("2026-11-22T00:00:00Z"), 30, {
    coarse: true,
    withEnvironment: false,
  });
  expect(table).toContain("build 42 (by build number)");
  // Escaped as Markdown (a line-leading "1." would start a list): GitHub shows 1.10.0.
  expect(table).toContain("1\\.10.0 (by semantic version)");
  expect(table).toContain("arrive from gitlab.example.com; the pass does not look for them");
});
