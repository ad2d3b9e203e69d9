// The batch's snapshot query carries the ordering guard's history, from the twin's real git: one
// request for the manifests head, its files and the builds' recent ancestry and branches.
import { afterAll, beforeAll, describe, expect, test } from "@jest/globals";
import { parse, type OperationDefinitionNode } from "graphql";
import type { Octokit } from "../../src/adapters/github/octokit.js";
import { readSnapshot } from "../../src/adapters/github/read-snapshot.js";
import { ANCESTRY_DEPTH } from "../../src/adapters/github/ancestry-fields.js";
import {
  DEPLOYED_HISTORIES,
  historyQuestions,
  SNAPSHOT_HISTORIES,
} from "../../src/services/deploy/ordering.js";
import { CompareCache } from "../../src/services/compare-cache.js";
import { MAX_NODES, possibleNodes } from "../../twin/graphql/node-limit.js";
import { closeExpectingNoViolations, startTwin, type TwinFixture } from "../twin/twin-fixture.js";
import { buildOf, validConfig } from "../helpers/plan-fixtures.js";

const WEB = "acme/web";
const DEV = "apps/web/overlays/dev/kustomization.yaml";
const CONFIG = [".github/gitops-image-bot.yml"];
let fx: TwinFixture;
const line: string[] = [];

beforeAll(async () => {
  fx = await startTwin();
  const web = await fx.twin.store.createRepo({
    owner: "acme",
    name: "web",
    files: [{ path: "a", content: "0\n" }],
  });
  for (let n = 1; n <= 3; n++)
    line.push(await fx.twin.store.commitFiles(web, "main", [{ path: "a", content: `${n}\n` }], `${n}`));
});
afterAll(() => closeExpectingNoViolations(fx));

const octokit = (): Octokit => fx.octokit as unknown as Octokit;

test("one query: the head, its files, each build's recent history and each claimed branch's", async () => {
  fx.twin.counters.reset();
  const snapshot = await readSnapshot(
    octokit(),
    { owner: "acme", name: "manifests" },
    CONFIG,
    undefined,
    [DEV],
    {
      heads: [
        { repo: WEB, sha: line[2]! },
        { repo: WEB, sha: "1".repeat(40) },
        { repo: "acme/not-there", sha: line[2]! },
      ],
      branches: [
        { repo: WEB, branch: "main" },
        { repo: WEB, branch: "gone" },
      ],
    },
  );
  expect(fx.twin.counters.total).toBe(1);
  expect(snapshot?.files.get(DEV)?.text).toContain("ghcr.io/acme/web");
  const history = snapshot!.history!;
  expect(history.ancestors.get(`${WEB}:${line[2]}`)?.slice(0, 3)).toEqual([line[2], line[1], line[0]]);
  // GitHub has no such commit, or the installation sees no such repository: null, and the snapshot stands.
  expect(history.ancestors.get(`${WEB}:${"1".repeat(40)}`)).toBeNull();
  expect(history.ancestors.get(`acme/not-there:${line[2]}`)).toBeNull();
  expect(history.branches.get(`${WEB}:refs/heads/main`)?.[0]).toBe(line[2]);
  expect(history.branches.get(`${WEB}:refs/heads/gone`)).toBeNull();
});

test("a missing manifests repository still fails the snapshot, history or not", async () => {
  await expect(
    readSnapshot(octokit(), { owner: "acme", name: "nope" }, CONFIG, undefined, [], {
      heads: [{ repo: WEB, sha: line[0]! }],
      branches: [],
    }),
  ).rejects.toMatchObject({ errors: [expect.objectContaining({ type: "NOT_FOUND" })] });
});

test("a batch of 200 builds, each claiming its own branch, fits one query within GitHub's node limit", async () => {
  const sent: string[] = [];
  const client = octokit();
  client.hook.before("request", (options) => {
    const query = (options as { query?: unknown }).query;
    if (typeof query === "string") sent.push(query);
  });
  const builds = Array.from({ length: 200 }, (_, n) => n);
  fx.twin.counters.reset();
  const snapshot = await readSnapshot(
    client,
    { owner: "acme", name: "manifests" },
    CONFIG,
    undefined,
    [DEV],
    {
      heads: builds.map((n) => ({ repo: `acme/svc-${n}`, sha: n.toString(16).padStart(40, "a") })),
      branches: builds.map((n) => ({ repo: `acme/svc-${n}`, branch: `release-${n}` })),
    },
  );
  expect(fx.twin.counters.total).toBe(1);
  expect(snapshot?.history?.ancestors.size).toBe(200);
  const operation = parse(sent.at(-1)!).definitions[0] as OperationDefinitionNode;
  const nodes = possibleNodes(operation, new Map(), {});
  expect(nodes).toBe(400 * ANCESTRY_DEPTH);
  // The cap the deployer keeps (SNAPSHOT_HISTORIES) is what this batch needs, far below the limit.
  expect(SNAPSHOT_HISTORIES * ANCESTRY_DEPTH).toBeLessThanOrEqual(MAX_NODES / 10);
});

describe("which builds the snapshot asks about", () => {
  const config = validConfig(`sources:
  - repositories: ["acme/web"]
  - repositories: ["acme/jobs"]
    order: build-number
    tag: "{build}"
  - repositories: ["payments/api"]
    host: gitlab.example.com
    order: build-number
    tag: "{build}"
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
    branches: [main]
`);
  const build = buildOf;

  const A = "a".repeat(40);
  const B = "b".repeat(40);

  test("builds of GitHub sources ordered by ancestry, with their branch claims; no config known yet, nothing", () => {
    const compares = new CompareCache();
    const builds = [
      build("acme/web", A),
      build("acme/web", B, { branch: "feature" }),
      build("acme/jobs", A, { buildNumber: 7 }),
      build("payments/api", A, {
        trigger: "build",
        repository: { ...build("payments/api", A).repository, host: "gitlab.example.com" },
      }),
    ];
    expect(historyQuestions(compares, undefined, builds)).toBeUndefined();
    expect(historyQuestions(compares, config, builds)).toEqual({
      heads: [
        { repo: "acme/web", sha: A },
        { repo: "acme/web", sha: B },
      ],
      // prod takes main only: the feature build's claim is not worth a history.
      branches: [{ repo: "acme/web", branch: "main" }],
    });
  });

  test("what the compare cache already holds is not read again", () => {
    const compares = new CompareCache();
    compares.remember({
      ancestors: new Map([[`acme/web:${A}`, [A, B]]]),
      bases: new Map(),
      branches: new Map([["acme/web:refs/heads/main", [A]]]),
    });
    // A's history is held, and main's, which has A: only B (and whether main has B) is asked.
    expect(historyQuestions(compares, config, [build("acme/web", A), build("acme/web", B)])).toEqual({
      heads: [{ repo: "acme/web", sha: B }],
      branches: [{ repo: "acme/web", branch: "main" }],
    });
    expect(historyQuestions(compares, config, [build("acme/web", A)])).toBeUndefined();
  });

  const C = "c".repeat(40);
  const D = "d".repeat(40);
  const overlay = (env: string, tag: string) => ({
    path: `apps/web/overlays/${env}/kustomization.yaml`,
    text: `images:\n  - name: ghcr.io/acme/web\n    newTag: "${tag}"\n`,
  });

  test("the commits the builds' files deployed when last read are asked about too, unless held or asked already", () => {
    const compares = new CompareCache();
    compares.remember({
      ancestors: new Map([[`acme/web:${D}`, [D]]]),
      bases: new Map(),
      branches: new Map(),
    });
    const seen: string[][] = [];
    const filesOf = (images: readonly string[]) => {
      seen.push([...images]);
      return [overlay("dev", C), overlay("qa", B), overlay("prod", D), overlay("eu", A)];
    };
    expect(historyQuestions(compares, config, [build("acme/web", A), build("acme/web", B)], filesOf)).toEqual(
      {
        // B is a build's (asked already), D's history is held, A is the build's own commit: only C.
        heads: [
          { repo: "acme/web", sha: A },
          { repo: "acme/web", sha: B },
          { repo: "acme/web", sha: C },
        ],
        branches: [{ repo: "acme/web", branch: "main" }],
      },
    );
    expect(seen).toEqual([["ghcr.io/acme/web"]]);
    // Builds ordered by their tags have no deployed commit to ask about.
    expect(
      historyQuestions(compares, config, [build("acme/jobs", A, { buildNumber: 7 })], filesOf),
    ).toBeUndefined();
  });

  test("a batch of 200 builds keeps the snapshot within SNAPSHOT_HISTORIES: deployed commits only in the room left, at most DEPLOYED_HISTORIES", () => {
    const many = validConfig(`sources:
  - repositories: ["acme/*"]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    branches: ["**"]
`);
    const sha = (n: number, lead: string) => lead + n.toString(16).padStart(39, "0");
    // Each image deployed by 50 overlays (clusters), every overlay at a commit of its own.
    const files = (images: readonly string[]) =>
      images.flatMap((image, n) =>
        Array.from({ length: 50 }, (_, e) => ({
          path: `apps/${n}/overlays/c${e}/kustomization.yaml`,
          text: `images:\n  - name: ${image}\n    newTag: "${sha(n * 50 + e, "e")}"\n`,
        })),
      );
    const fromFour = Array.from({ length: 200 }, (_, n) => build(`acme/svc-${n % 4}`, sha(n, "a")));
    const few = historyQuestions(new CompareCache(), many, fromFour, files)!;
    // 200 builds and 4 branches: the deployed commits get DEPLOYED_HISTORIES, no more.
    expect(few.branches).toHaveLength(4);
    expect(few.heads).toHaveLength(200 + DEPLOYED_HISTORIES);
    expect(few.heads.length + few.branches.length).toBeLessThanOrEqual(SNAPSHOT_HISTORIES);
    // 200 builds of 200 repositories, each claiming its own branch: no room left, none asked (the guard's own query reads them).
    const each = Array.from({ length: 200 }, (_, n) =>
      build(`acme/svc-${n}`, sha(n, "a"), { branch: `b${n}` }),
    );
    const full = historyQuestions(new CompareCache(), many, each, files)!;
    expect(full.heads).toHaveLength(200);
    expect(full.branches).toHaveLength(200);
  });
});
