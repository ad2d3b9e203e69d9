import fc from "fast-check";
import { CONFIG_PATH, parseConfig, type Config, type ConfigProblem } from "../../src/config/index.js";

const MINIMAL = `sources:
  - repositories: ["acme/*"]
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
`;

function problemsOf(text: string, file?: string): ConfigProblem[] {
  const result = parseConfig(text, file);
  if (result.ok) throw new Error(`expected problems, got a valid config: ${JSON.stringify(result.config)}`);
  return result.problems;
}

describe("parseConfig: defaults", () => {
  test("a minimal file gets every default", () => {
    expect(parseConfig(MINIMAL)).toEqual({
      ok: true,
      config: {
        sources: [
          {
            repositories: ["acme/*"],
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
        environments: {
          prod: {
            paths: ["apps/*/overlays/prod/**"],
            mode: "commit",
            branches: undefined,
            mergeMethod: "squash",
            commands: { permission: "write", users: undefined },
            argocd: undefined,
            after: undefined,
            onDegraded: "report",
          },
        },
        branch: undefined,
        batchWindowSeconds: 4,
        report: { statuses: true, deployments: true },
        reconcile: { intervalMinutes: 10, requestBudget: 100, dashboard: true },
        freeze: { alerts: [] },
      } satisfies Config,
    });
  });

  test("optional keys stay present as undefined, as the Config type says", () => {
    const result = parseConfig(MINIMAL);
    if (!result.ok) throw new Error("expected a valid config");
    expect(Object.keys(result.config)).toContain("branch");
    expect(Object.keys(result.config.environments["prod"]!)).toContain("branches");
    expect(result).not.toHaveProperty("extends");
  });

  test("given values win over defaults; environments keep the file's order", () => {
    const result = parseConfig(`sources:
  - repositories: [acme/web, "acme/api-*"]
    triggers: [workflow_run, package]
    workflows: [.github/workflows/build.yml]
    events: [push, release]
    image: registry.example.com/{owner}/{repo}
    tag: sha-{sha:8}
environments:
  qa: { paths: [qa/**], mode: auto-merge, mergeMethod: rebase }
  dev: { paths: [dev/**], branches: ["**"] }
branch: deploy
batchWindowSeconds: 0
report: { statuses: false }
`);
    expect(result).toEqual({
      ok: true,
      config: {
        sources: [
          {
            repositories: ["acme/web", "acme/api-*"],
            triggers: ["workflow_run", "package"],
            workflows: [".github/workflows/build.yml"],
            events: ["push", "release"],
            image: "registry.example.com/{owner}/{repo}",
            images: [{ image: "registry.example.com/{owner}/{repo}", workflows: [] }],
            tag: "sha-{sha:8}",
            order: "ancestry",
            host: undefined,
          },
        ],
        environments: {
          qa: {
            paths: ["qa/**"],
            mode: "auto-merge",
            branches: undefined,
            mergeMethod: "rebase",
            commands: { permission: "write", users: undefined },
            argocd: undefined,
            after: undefined,
            onDegraded: "report",
          },
          dev: {
            paths: ["dev/**"],
            mode: "commit",
            branches: ["**"],
            mergeMethod: "squash",
            commands: { permission: "write", users: undefined },
            argocd: undefined,
            after: undefined,
            onDegraded: "report",
          },
        },
        branch: "deploy",
        batchWindowSeconds: 0,
        report: { statuses: false, deployments: true },
        reconcile: { intervalMinutes: 10, requestBudget: 100, dashboard: true },
        freeze: { alerts: [] },
      },
    });
    if (result.ok) expect(Object.keys(result.config.environments)).toEqual(["qa", "dev"]);
  });

  test("defaults are fresh values, not shared between results", () => {
    const first = parseConfig(MINIMAL);
    const second = parseConfig(MINIMAL);
    if (!first.ok || !second.ok) throw new Error("expected valid configs");
    first.config.sources[0]!.events.push("release");
    expect(second.config.sources[0]!.events).toEqual(["push"]);
  });

  test("anchors, aliases and merge keys are read", () => {
    const result = parseConfig(`sources:
  - repositories: ["acme/*"]
environments:
  qa: &defaults
    paths: [qa/**]
    mode: pull-request
  prod:
    <<: *defaults
    paths: [prod/**]
`);
    expect(result.ok && result.config.environments["prod"]).toEqual({
      paths: ["prod/**"],
      mode: "pull-request",
      branches: undefined,
      mergeMethod: "squash",
      commands: { permission: "write", users: undefined },
      argocd: undefined,
      after: undefined,
      onDegraded: "report",
    });
  });
});

interface ErrorCase {
  kind: string;
  text: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** One row per failure ("kind: variant"): the only problem the text has, exactly where it is reported. */
const ERRORS: ErrorCase[] = [
  {
    kind: "YAML syntax",
    text: 'sources: [{ repositories: ["acme/*"] }]\nenvironments:\n  prod:\n    paths: ["a/**"\n',
    line: 5,
    column: 1,
    message:
      "not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    fix: "check the indentation (spaces, like the other keys at its level) and that every [ and { is closed",
  },
  {
    kind: "duplicate key",
    text: `${MINIMAL}environments: {}\n`,
    line: 6,
    column: 1,
    message: "not valid YAML: Map keys must be unique",
    fix: "remove one of the two keys, or rename it",
  },
  {
    kind: "tab indentation",
    text: 'sources: [{ repositories: ["acme/*"] }]\nenvironments:\n\tprod: { paths: [a/**] }\n',
    line: 3,
    column: 1,
    message: "not valid YAML: Tabs are not allowed as indentation",
    fix: "indent with spaces; YAML does not allow tabs",
  },
  {
    kind: "empty file",
    text: "# nothing yet\n",
    line: 1,
    column: 1,
    message: "the configuration file is empty",
    fix: 'start from the top-level keys, e.g. `sources: [{ repositories: ["acme/*"] }]` and `environments: { prod: { paths: ["apps/*/overlays/prod/**"] } }` (see docs/configuration.md)',
  },
  {
    kind: "not a mapping",
    text: "# a list\n- sources\n- environments\n",
    line: 2,
    column: 1,
    message: "the configuration is a list, not a mapping of keys",
    fix: 'start from the top-level keys, e.g. `sources: [{ repositories: ["acme/*"] }]` and `environments: { prod: { paths: ["apps/*/overlays/prod/**"] } }` (see docs/configuration.md)',
  },
  {
    kind: "unknown key: a near miss",
    text: MINIMAL.replace("environments:", "enviroments:"),
    line: 3,
    column: 1,
    message: "unknown key `enviroments` at the top level",
    fix: "did you mean `environments`? (the keys at the top level are _extends, sources, environments, branch, batchWindowSeconds, report, reconcile, freeze)",
  },
  {
    kind: "unknown key: one that belongs elsewhere",
    text: `${MINIMAL}    image: ghcr.io/acme/web\n`,
    line: 6,
    column: 5,
    message: "unknown key `image` in `environments.prod`",
    fix: "`image` belongs in each source (sources[N]): move it there",
  },
  {
    kind: "unknown key: unrelated",
    text: `${MINIMAL}report: { statuses: true, slack: true }\n`,
    line: 6,
    column: 27,
    message: "unknown key `slack` in `report`",
    fix: "remove it; the keys in `report` are statuses, deployments",
  },
  {
    kind: "unknown key: in reconcile, its own keys and not another mapping's",
    text: `${MINIMAL}reconcile:\n  interval: 5\n`,
    line: 7,
    column: 3,
    message: "unknown key `interval` in `reconcile`",
    fix: "did you mean `intervalMinutes`? (the keys in `reconcile` are intervalMinutes, requestBudget, dashboard)",
  },
  {
    kind: "unknown key: unrelated, in reconcile",
    text: `${MINIMAL}reconcile: { budget: 5 }\n`,
    line: 6,
    column: 14,
    message: "unknown key `budget` in `reconcile`",
    fix: "remove it; the keys in `reconcile` are intervalMinutes, requestBudget, dashboard",
  },
  {
    kind: "unknown key: a near miss in an environment's commands",
    text: `${MINIMAL}    commands:\n      permision: admin\n`,
    line: 7,
    column: 7,
    message: "unknown key `permision` in `environments.prod.commands`",
    fix: "did you mean `permission`? (the keys in `environments.prod.commands` are permission, users)",
  },
  {
    kind: "unknown key: in commands, one that belongs to the environment",
    text: `${MINIMAL}    commands:\n      mode: commit\n`,
    line: 7,
    column: 7,
    message: "unknown key `mode` in `environments.prod.commands`",
    fix: "`mode` belongs in each environment (environments.NAME): move it there",
  },
  {
    kind: "missing required key: nested",
    text: 'sources:\n  - repositories: ["acme/*"]\nenvironments:\n  prod:\n    mode: commit\n',
    line: 4,
    column: 3,
    message: "required key `paths` is missing in `environments.prod`",
    fix: 'add it, e.g. `paths: ["apps/*/overlays/prod/**"]`',
  },
  {
    kind: "missing required key: top level",
    text: "# no sources\nenvironments:\n  prod:\n    paths: [a/**]\n",
    line: 2,
    column: 1,
    message: "required key `sources` is missing at the top level",
    fix: 'add it, e.g. `sources: [{ repositories: ["acme/*"] }]`',
  },
  {
    kind: "wrong type: list expected",
    text: MINIMAL.replace('paths: ["apps/*/overlays/prod/**"]', "paths: apps/prod/**"),
    line: 5,
    column: 12,
    message: "`environments.prod.paths` should be a list, not the string `apps/prod/**`",
    fix: 'write a list, even of one item: `["apps/prod/**"]`',
  },
  {
    kind: "wrong type: boolean expected",
    text: `${MINIMAL}report:\n  statuses: yes\n`,
    line: 7,
    column: 13,
    message: "`report.statuses` should be true or false, not the string `yes`",
    fix: "write true or false (YAML 1.2 reads `yes` as a string)",
  },
  {
    kind: "wrong type: number expected",
    text: `${MINIMAL}batchWindowSeconds: "5"\n`,
    line: 6,
    column: 21,
    message: "`batchWindowSeconds` should be a number, not the string `5`",
    fix: "remove the quotes: `5`",
  },
  {
    kind: "wrong type: whole number expected",
    text: `${MINIMAL}batchWindowSeconds: 1.5\n`,
    line: 6,
    column: 21,
    message: "`batchWindowSeconds` should be a whole number, not `1.5`",
    fix: "use a whole number, e.g. 2",
  },
  {
    kind: "wrong type: empty value",
    text: `${MINIMAL}report:\n`,
    line: 6,
    column: 1,
    message: "`report` should be a mapping, not empty",
    fix: "write the keys indented under it",
  },
  {
    kind: "wrong type: environment is not a mapping",
    text: 'sources: [{ repositories: ["acme/*"] }]\nenvironments:\n  prod: [apps/prod/**]\n',
    line: 3,
    column: 9,
    message: "`environments.prod` should be a mapping, not a list",
    fix: 'each environment is a mapping, e.g. `prod: { paths: ["apps/*/overlays/prod/**"] }`',
  },
  {
    kind: "mode not one of the three",
    text: `${MINIMAL}    mode: pull_request\n`,
    line: 6,
    column: 11,
    message: "`environments.prod.mode` is `pull_request`, not one of commit, pull-request, auto-merge",
    fix: "did you mean `pull-request`? (one of commit, pull-request, auto-merge)",
  },
  {
    kind: "merge method not one of the three",
    text: `${MINIMAL}    mergeMethod: fast-forward\n`,
    line: 6,
    column: 18,
    message: "`environments.prod.mergeMethod` is `fast-forward`, not one of merge, squash, rebase",
    fix: "use one of: merge, squash, rebase",
  },
  {
    kind: "absolute path glob",
    text: MINIMAL.replace('["apps/*/overlays/prod/**"]', '["/apps/prod/**"]'),
    line: 5,
    column: 13,
    message: "`environments.prod.paths[0]`: path glob `/apps/prod/**` is absolute",
    fix: "paths are relative to the repository root and cannot reach outside it: write `apps/prod/**`",
  },
  {
    kind: "path glob climbing out",
    text: MINIMAL.replace('["apps/*/overlays/prod/**"]', '["apps/**", "../secrets/**"]'),
    line: 5,
    column: 24,
    message: "`environments.prod.paths[1]`: path glob `../secrets/**` has a .. segment",
    fix: "the bot writes only inside this repository: name the files from its root, without ..",
  },
  {
    kind: "path glob with a backslash",
    text: MINIMAL.replace('["apps/*/overlays/prod/**"]', "['apps\\prod\\**']"),
    line: 5,
    column: 13,
    message: "`environments.prod.paths[0]`: path glob `apps\\prod\\**` contains a backslash",
    fix: "separate directories with / (in a glob a backslash escapes, it does not separate): `apps/prod/**`",
  },
  {
    kind: "invalid environment name",
    text: MINIMAL.replace("prod:", "Prod EU:"),
    line: 4,
    column: 3,
    message: "environment name `Prod EU` is not valid",
    fix: "use 1 to 63 lower-case letters, digits, . _ -, starting with a letter or digit: rename it to `prod-eu`",
  },
  {
    kind: "invalid glob: unclosed bracket",
    text: MINIMAL.replace('["apps/*/overlays/prod/**"]', '["apps/[prod/**"]'),
    line: 5,
    column: 13,
    message: "`environments.prod.paths[0]`: `apps/[prod/**` is not a valid glob: a [ is never closed",
    fix: "balance the brackets, or match the [ literally with a class: [[]",
  },
  {
    kind: "invalid glob: range out of order",
    text: MINIMAL.replace('["acme/*"]', '["acme/[z-a]*"]'),
    line: 2,
    column: 20,
    message:
      "`sources[0].repositories[0]`: `acme/[z-a]*` is not a valid glob: a character range is out of order",
    fix: "write ranges from low to high, e.g. [a-z] or [0-9]",
  },
  {
    kind: "repository glob without owner",
    text: MINIMAL.replace('["acme/*"]', "[web]"),
    line: 2,
    column: 20,
    message: "`sources[0].repositories[0]`: repository glob `web` is not of the form owner/name",
    fix: "write one `/` between owner and name, e.g. `web/*` for every repository of web",
  },
  {
    kind: "workflow glob without directory",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    workflows: [build.yml]'),
    line: 3,
    column: 17,
    message:
      "`sources[0].workflows[0]`: workflow glob `build.yml` has no directory, so it never matches a workflow path",
    fix: "workflow paths start with .github/workflows/: write `.github/workflows/build.yml`",
  },
  {
    kind: "branch glob naming a ref",
    text: `${MINIMAL}    branches: [refs/heads/main]\n`,
    line: 6,
    column: 16,
    message: "`environments.prod.branches[0]`: branch glob `refs/heads/main` names a ref, not a branch",
    fix: "write the branch name alone: `main`",
  },
  {
    kind: "tag template without sha",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    tag: latest'),
    line: 3,
    column: 10,
    message: "`sources[0].tag`: tag template `latest` has no {sha} placeholder",
    fix: "add {sha} or {sha:N} (7 to 40), e.g. sha-{sha:7}: the bot reads the commit back from the tag (or {build} / {version} with `order: build-number` / `semver`)",
  },
  {
    kind: "tag template with two shas",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    tag: "{sha:7}-{sha}"'),
    line: 3,
    column: 10,
    message: "`sources[0].tag`: tag template `{sha:7}-{sha}` has more than one {sha} placeholder",
    fix: "keep exactly one {sha} or {sha:N}",
  },
  {
    kind: "tag template sha length out of range",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    tag: v-{sha:6}'),
    line: 3,
    column: 10,
    message: "`sources[0].tag`: `{sha:6}` shortens the SHA to 6 characters, outside 7 to 40",
    fix: "use {sha:7}, or {sha} for the full SHA",
  },
  {
    kind: "tag template unknown placeholder",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    tag: "{branch}-{sha:7}"'),
    line: 3,
    column: 10,
    message: "`sources[0].tag`: tag template has an unknown placeholder `{branch}`",
    fix: "the tag template knows {sha} (the full commit SHA), {sha:N} (its first N characters), {build} (the build number) and {version} (a semantic version)",
  },
  {
    kind: "tag template rendering an invalid tag",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    tag: "release/{sha:7}"'),
    line: 3,
    column: 10,
    message:
      "`sources[0].tag`: tag template `release/{sha:7}` renders `release/0123456`, which is not a valid image tag",
    fix: "a tag is 1 to 128 of A-Z a-z 0-9 _ . - and starts with a letter, digit or _",
  },
  {
    kind: "image template unknown placeholder",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    image: ghcr.io/{org}/{repo}'),
    line: 3,
    column: 12,
    message: "`sources[0].image`: image template has an unknown placeholder `{org}`",
    fix: "the image template knows only {owner} and {repo} (of the source repository)",
  },
  {
    kind: "image template rendering an invalid name",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    image: ghcr.io/{owner}/{repo}--'),
    line: 3,
    column: 12,
    message:
      '`sources[0].image`: image template `ghcr.io/{owner}/{repo}--` renders an invalid image name for acme/web: "ghcr.io/acme/web--" is not a valid image name (lower-case letters, digits and . _ - separators, / between components)',
    fix: "write a registry host and repository path, e.g. ghcr.io/{owner}/{repo}",
  },
  {
    kind: "image template with a tag",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    image: ghcr.io/{owner}/{repo}:latest'),
    line: 3,
    column: 12,
    message:
      "`sources[0].image`: image template `ghcr.io/{owner}/{repo}:latest` ends in a tag or digest (`:latest`)",
    fix: "remove `:latest`: the tag comes from the tag template",
  },
  {
    kind: "empty list",
    text: MINIMAL.replace('["apps/*/overlays/prod/**"]', "[]"),
    line: 5,
    column: 12,
    message: "`environments.prod.paths` is an empty list",
    fix: 'list at least one, e.g. `paths: ["apps/*/overlays/prod/**"]`',
  },
  {
    kind: "empty string",
    text: MINIMAL.replace('["acme/*"]', '["acme/*"]\n    image: ""'),
    line: 3,
    column: 12,
    message: "`sources[0].image` is an empty string",
    fix: "write a value, or remove the key to use the default ghcr.io/{owner}/{repo}",
  },
  {
    kind: "no environment",
    text: 'sources: [{ repositories: ["acme/*"] }]\nenvironments: {}\n',
    line: 2,
    column: 15,
    message: "`environments`: no environment is defined",
    fix: 'add one, e.g. `prod: { paths: ["apps/*/overlays/prod/**"] }`',
  },
  {
    kind: "number below the minimum",
    text: `${MINIMAL}batchWindowSeconds: -1\n`,
    line: 6,
    column: 21,
    message: "`batchWindowSeconds` is -1, below the minimum 0",
    fix: "use 0 or more",
  },
  {
    kind: "number above the maximum",
    text: `${MINIMAL}batchWindowSeconds: 90\n`,
    line: 6,
    column: 21,
    message: "`batchWindowSeconds` is 90, above the maximum 60",
    fix: "use 60 or less",
  },
  {
    kind: "invalid _extends",
    text: `_extends: https://github.com/acme/.github\n${MINIMAL}`,
    line: 1,
    column: 11,
    message: "`_extends`: `https://github.com/acme/.github` does not name a repository",
    fix: "write .github, other-repo, owner/repo, or owner/repo:path/to/file.yml",
  },
  {
    kind: "branch naming a ref",
    text: `${MINIMAL}branch: refs/heads/deploy\n`,
    line: 6,
    column: 9,
    message: "`branch`: `refs/heads/deploy` names a ref, not a branch",
    fix: "write the branch name alone: `deploy`",
  },
  {
    kind: "invalid branch name",
    text: `${MINIMAL}branch: "deploy prod"\n`,
    line: 6,
    column: 9,
    message: "`branch`: `deploy prod` is not a valid git branch name (` ` is not allowed there)",
    fix: "branch names cannot contain spaces, ~ ^ : ? * [ \\, .. or //, nor start with - / . or end with / . .lock",
  },
];

describe("parseConfig: each kind of problem, where it is and how to fix it", () => {
  test.each(ERRORS)("$kind", ({ text, line, column, message, fix }) => {
    expect(problemsOf(text)).toEqual([{ file: CONFIG_PATH, line, column, message, fix }]);
  });

  test("each kind of failure has its own message", () => {
    // The message with its quoted values and numbers taken out: what stays names the kind of failure.
    const shape = (message: string) => message.replace(/`[^`]*`/g, "`…`").replace(/\d+/g, "N");
    const kinds = new Map<string, string>();
    for (const { kind: row, message } of ERRORS) {
      const kind = row.split(":")[0]!;
      const other = kinds.get(shape(message));
      expect(other === undefined || other === kind ? kind : `${other} and ${kind} share "${message}"`).toBe(
        kind,
      );
      kinds.set(shape(message), kind);
    }
  });

  test("the file name is the one given", () => {
    expect(problemsOf("[]", "acme/manifests:.github/gitops-image-bot.yml")[0]?.file).toBe(
      "acme/manifests:.github/gitops-image-bot.yml",
    );
  });
});

describe("parseConfig: several problems at once", () => {
  test("every problem is reported, sorted by line and column", () => {
    const problems = problemsOf(`report: { statuses: yes }
environments:
  Prod:
    paths: ["/abs/**", ok/**, "../up"]
    mode: fast
sources:
  - repositories: [web]
    tag: latest
    colour: blue
`);
    expect(problems.map(({ line, column, message }) => `${line}:${column} ${message}`)).toEqual([
      "1:21 `report.statuses` should be true or false, not the string `yes`",
      "3:3 environment name `Prod` is not valid",
      "4:13 `environments.Prod.paths[0]`: path glob `/abs/**` is absolute",
      "4:31 `environments.Prod.paths[2]`: path glob `../up` has a .. segment",
      "5:11 `environments.Prod.mode` is `fast`, not one of commit, pull-request, auto-merge",
      "7:20 `sources[0].repositories[0]`: repository glob `web` is not of the form owner/name",
      "8:10 `sources[0].tag`: tag template `latest` has no {sha} placeholder",
      "9:5 unknown key `colour` in `sources[0]`",
    ]);
  });

  test("a byte-order mark does not shift the columns of the first line", () => {
    expect(problemsOf(`\uFEFFenviroments: {}\n${MINIMAL}`)).toEqual([
      {
        file: CONFIG_PATH,
        line: 1,
        column: 1,
        message: "unknown key `enviroments` at the top level",
        fix: "did you mean `environments`? (the keys at the top level are _extends, sources, environments, branch, batchWindowSeconds, report, reconcile, freeze)",
      },
    ]);
  });

  test("CRLF line endings do not shift columns", () => {
    expect(problemsOf(`${MINIMAL}    mode: fast\n`.replaceAll("\n", "\r\n"))[0]).toMatchObject({
      line: 6,
      column: 11,
    });
  });

  test("a wrong type does not also report what depends on it", () => {
    expect(problemsOf('sources: [{ repositories: ["acme/*"] }]\nenvironments: []\n')).toEqual([
      {
        file: CONFIG_PATH,
        line: 2,
        column: 15,
        message: "`environments` should be a mapping, not a list",
        fix: "write each environment's name as a key, with its settings indented under it",
      },
    ]);
  });

  test("every YAML syntax error is reported", () => {
    const problems = problemsOf("a: 1\na: 2\nb:\n\tc: 1\n");
    expect(problems.map(({ line, column }) => [line, column])).toEqual([
      [2, 1],
      [4, 1],
    ]);
  });
});

describe("parseConfig: _extends", () => {
  test("a valid file exposes its _extends", () => {
    expect(parseConfig(`_extends: .github\n${MINIMAL}`)).toMatchObject({ ok: true, extends: ".github" });
  });

  test.each([".github", "other-repo", "acme/shared", "acme/shared:deploy/gitops-image-bot.yml"])(
    "a file relying on its base for required keys still says what it extends: %s",
    (base) => {
      const result = parseConfig(`_extends: ${base}\nenvironments:\n  prod:\n    mode: pull-request\n`);
      expect(result.ok).toBe(false);
      expect(result.extends).toBe(base);
    },
  );

  test("an invalid _extends is a problem, not something to load", () => {
    const result = parseConfig(`_extends: "../x"\n${MINIMAL}`);
    expect(result.ok).toBe(false);
    expect(result.extends).toBeUndefined();
  });

  test("_extends must be a string", () => {
    expect(problemsOf(`_extends: [a, b]\n${MINIMAL}`)).toEqual([
      {
        file: CONFIG_PATH,
        line: 1,
        column: 11,
        message: "`_extends` should be a string, not a list",
        fix: "write it as text",
      },
    ]);
  });
});

describe("parseConfig never throws", () => {
  test.each([
    ["an alias to no anchor", "sources: *nowhere\n"],
    [
      "a billion laughs",
      'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n',
    ],
    ["a __proto__ key", `__proto__: { polluted: true }\n${MINIMAL}`],
    ["a non-string key", `? [a, b]\n: 1\n${MINIMAL}`],
    ["a byte-order mark and CRLF", `\uFEFF${MINIMAL.replaceAll("\n", "\r\n")}`],
  ])("%s", (_, text) => {
    expect(() => parseConfig(text)).not.toThrow();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  test("on any text", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const result = parseConfig(text);
        return result.ok || result.problems.length > 0;
      }),
      { numRuns: 300 },
    );
  });

  test("on mutations of a full configuration", () => {
    fc.assert(
      fc.property(fc.nat(MINIMAL.length), fc.string({ maxLength: 3 }), (at, insert) => {
        const result = parseConfig(MINIMAL.slice(0, at) + insert + MINIMAL.slice(at));
        if (result.ok) return true;
        return result.problems.every((p) => p.line >= 1 && p.column >= 1 && p.message !== "" && p.fix !== "");
      }),
      { numRuns: 500 },
    );
  });
});
