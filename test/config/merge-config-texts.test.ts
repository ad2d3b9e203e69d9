import { mergeConfigTexts, type ConfigResult } from "../../src/config/index.js";

const BASE_FILE = "acme/.github:.github/gitops-image-bot.yml";
const LOCAL_FILE = "acme/manifests:.github/gitops-image-bot.yml";

const BASE = `_extends: elsewhere
sources:
  - repositories: ["acme/*"]
    tag: sha-{sha:7}
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: commit
batchWindowSeconds: 10
report:
  statuses: false
`;

function merge(local: string, base = BASE): ConfigResult {
  return mergeConfigTexts({ file: BASE_FILE, text: base }, { file: LOCAL_FILE, text: local });
}

function configOf(local: string, base = BASE) {
  const result = merge(local, base);
  if (!result.ok) throw new Error(`expected a valid config: ${JSON.stringify(result.problems)}`);
  return result.config;
}

function problemsOf(local: string, base = BASE) {
  const result = merge(local, base);
  if (result.ok) throw new Error("expected problems");
  return result.problems.map(({ file, line, column, message }) => `${file}:${line}:${column} ${message}`);
}

describe("mergeConfigTexts: how the files combine", () => {
  test("required keys may come from the base", () => {
    const config = configOf("_extends: .github\n");
    expect(config.sources.map((source) => source.tag)).toEqual(["sha-{sha:7}"]);
    expect(Object.keys(config.environments)).toEqual(["prod"]);
  });

  test("mappings merge key by key, down to an environment's settings", () => {
    const config = configOf(`_extends: .github
environments:
  prod:
    mode: pull-request
  dev:
    paths: ["apps/*/overlays/dev/**"]
report:
  deployments: false
`);
    expect(config.environments).toEqual({
      prod: {
        paths: ["apps/*/overlays/prod/**"],
        mode: "pull-request",
        branches: undefined,
        mergeMethod: "squash",
        commands: { permission: "write", users: undefined },
        argocd: undefined,
        after: undefined,
        onDegraded: "report",
      },
      dev: {
        paths: ["apps/*/overlays/dev/**"],
        mode: "commit",
        branches: undefined,
        mergeMethod: "squash",
        commands: { permission: "write", users: undefined },
        argocd: undefined,
        after: undefined,
        onDegraded: "report",
      },
    });
    expect(config.report).toEqual({ statuses: false, deployments: false });
  });

  test.each<[string, string, (config: ReturnType<typeof configOf>) => unknown, unknown]>([
    [
      "a list replaces the base's list",
      "sources: [{ repositories: [acme/web] }]",
      (config) => config.sources,
      [
        {
          repositories: ["acme/web"],
          triggers: ["workflow_run"],
          workflows: [],
          events: ["push"],
          image: "ghcr.io/{owner}/{repo}",
          images: [{ image: "ghcr.io/{owner}/{repo}", workflows: [] }],
          tag: "{sha}",
          order: "ancestry",
          host: undefined,
        },
      ],
    ],
    [
      "a list of globs replaces the base's",
      "environments: { prod: { paths: [prod/**] } }",
      (config) => config.environments["prod"]?.paths,
      ["prod/**"],
    ],
    ["a value replaces the base's", "batchWindowSeconds: 0", (config) => config.batchWindowSeconds, 0],
    ["a key only in the base stays", "branch: deploy", (config) => config.batchWindowSeconds, 10],
  ])("%s", (_, local, pick, expected) => {
    expect(pick(configOf(local))).toEqual(expected);
  });

  test("the base's own _extends is ignored, and the merged result extends nothing", () => {
    const result = merge("_extends: .github\n");
    expect(result.ok).toBe(true);
    expect(result).not.toHaveProperty("extends");
  });

  test("an empty local file is a problem, base or not (it cannot have said _extends)", () => {
    expect(merge("# nothing here\n")).toMatchObject({ ok: false, problems: [{ file: LOCAL_FILE }] });
  });
});

describe("mergeConfigTexts: problems name the file and line each key came from", () => {
  test("a value from the base is reported in the base, one from the local file in the local file", () => {
    expect(
      problemsOf(
        `_extends: .github
environments:
  prod:
    mode: fast
`,
        BASE.replace("sha-{sha:7}", "latest"),
      ),
    ).toEqual([
      `${LOCAL_FILE}:4:11 \`environments.prod.mode\` is \`fast\`, not one of commit, pull-request, auto-merge`,
      `${BASE_FILE}:4:10 \`sources[0].tag\`: tag template \`latest\` has no {sha} placeholder`,
    ]);
  });

  test("a key the local file adds to a base mapping is reported in the local file", () => {
    expect(problemsOf("environments:\n  prod:\n    mergeMethod: ff\n")).toEqual([
      `${LOCAL_FILE}:3:18 \`environments.prod.mergeMethod\` is \`ff\`, not one of merge, squash, rebase`,
    ]);
  });

  test("a key of a mapping only the base has is reported in the base", () => {
    expect(
      problemsOf("environments:\n  qa:\n    paths: [qa/**]\n", BASE.replace("mode: commit", "mode: fast")),
    ).toEqual([
      `${BASE_FILE}:8:11 \`environments.prod.mode\` is \`fast\`, not one of commit, pull-request, auto-merge`,
    ]);
  });

  test("a missing key of a mapping both files have is reported at the local file's key", () => {
    expect(
      problemsOf(
        "environments:\n  prod:\n    mode: auto-merge\n",
        BASE.replace('    paths: ["apps/*/overlays/prod/**"]\n', ""),
      ),
    ).toEqual([`${LOCAL_FILE}:2:3 required key \`paths\` is missing in \`environments.prod\``]);
  });

  test("a missing key of a list entry that replaced the base's is reported in the local file", () => {
    expect(problemsOf("sources:\n  - tag: v-{sha:7}\n")).toEqual([
      `${LOCAL_FILE}:2:5 required key \`repositories\` is missing in \`sources[0]\``,
    ]);
  });

  test("a base entry the local file replaced is not validated", () => {
    expect(
      configOf("sources: [{ repositories: [acme/web] }]", BASE.replace("sha-{sha:7}", "latest")).sources,
    ).toHaveLength(1);
  });

  test("YAML errors in either file are reported, the local file's first", () => {
    expect(problemsOf("environments:\n\tprod: {}\n", "sources: [\n")).toEqual([
      `${LOCAL_FILE}:2:1 not valid YAML: Tabs are not allowed as indentation`,
      `${BASE_FILE}:2:1 not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  test("a base that is not a mapping is reported in the base", () => {
    expect(problemsOf("_extends: .github\n", "- a\n")).toEqual([
      `${BASE_FILE}:1:1 the configuration is a list, not a mapping of keys`,
    ]);
  });
});
