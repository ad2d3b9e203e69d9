import { parseConfig, type Config } from "../../src/config/index.js";
import { parseCommands, type Command } from "../../src/commands/parse-commands.js";
import {
  resolveCommand,
  type CommandPorts,
  type CommandContext,
} from "../../src/commands/resolve-command.js";

const CONFIG = `sources:
  - repositories: ["acme/*"]
    tag: "sha-{sha:8}"
environments:
  dev: { paths: ["apps/*/dev/**"], branches: ["**"] }
  prod: { paths: ["apps/*/prod/**"], mode: pull-request }
`;
const A = "a".repeat(40);
const B = "b".repeat(40);
const NOW = Date.parse("2026-11-22T10:00:00Z");

function config(): Config {
  const result = parseConfig(CONFIG);
  if (!result.ok) throw new Error("bad config");
  return result.config;
}

const web = { owner: "acme", name: "web", defaultBranch: "main", htmlUrl: "https://github.com/acme/web" };
const manifests = { ...web, name: "manifests", htmlUrl: "https://github.com/acme/manifests" };

function context(inManifests = false): CommandContext {
  return {
    config: config(),
    repository: inManifests ? manifests : web,
    inManifests,
    by: "alice",
    id: "comment-1-1",
    now: NOW,
    url: "https://github.com/acme/web/pull/7#issuecomment-1",
  };
}

function ports(overrides: Partial<CommandPorts> = {}): CommandPorts {
  return {
    pullHead: async () => ({ sha: B, branch: "feature/x", repository: "acme/web", byApp: false }),
    commit: async (_repo, ref) => [A, B].find((sha) => sha.startsWith(ref)),
    onDefaultBranch: async (_repo, sha) => A.startsWith(sha),
    buildSucceeded: async () => ({ kind: "succeeded" }),
    deployedTag: async (environment) => (environment === "dev" ? "sha-aaaaaaaa" : undefined),
    tagHistory: async () => ["sha-bbbbbbbb", "sha-aaaaaaaa", "sha-cccccccc"],
    imagesIn: async () => ["ghcr.io/acme/web", "ghcr.io/acme/api"],
    repository: async (owner, name) =>
      name === "web" || name === "api"
        ? {
            owner,
            name,
            defaultBranch: name === "api" ? "trunk" : "main",
            htmlUrl: `https://github.com/${owner}/${name}`,
          }
        : undefined,
    ...overrides,
  };
}

function command(text: string): Command {
  const [line] = parseCommands(text);
  if (!line?.ok) throw new Error(`not a command: ${text}`);
  return line.command;
}

test("/freeze with a duration and a reason becomes a freeze edit until then", async () => {
  const resolved = await resolveCommand(command("/freeze prod 2h incident 42"), context(), ports());
  expect(resolved).toMatchObject({
    ok: true,
    job: {
      edits: [
        {
          kind: "freeze",
          environment: "prod",
          freeze: {
            by: "alice",
            at: "2026-11-22T10:00:00.000Z",
            until: "2026-11-22T12:00:00.000Z",
            reason: "incident 42",
          },
        },
      ],
      wanted: [],
    },
  });
});

test("/resume in a source repository lifts the hold of its own image; in the manifests repository, all", async () => {
  expect(await resolveCommand(command("/resume prod"), context(), ports())).toMatchObject({
    job: { edits: [{ kind: "release", environment: "prod", image: "ghcr.io/acme/web" }] },
  });
  const all = await resolveCommand(command("/resume prod"), context(true), ports());
  expect(all.ok && all.job.edits).toEqual([{ kind: "release", environment: "prod" }]);
});

test("/retag without a SHA on a pull request deploys its head build, from its branch, to that environment only", async () => {
  const resolved = await resolveCommand(command("/retag dev"), context(), ports());
  expect(resolved).toMatchObject({
    ok: true,
    job: {
      wanted: [
        {
          image: "ghcr.io/acme/web",
          tag: "sha-bbbbbbbb",
          build: { sha: B, branch: "feature/x", trigger: "command" },
          explicit: { by: "alice", environments: ["dev"], force: false, anyBranch: false },
        },
      ],
    },
  });
});

test.each<[string, Partial<CommandPorts>, string]>([
  ["/retag dev", { pullHead: async () => undefined }, "pull request"],
  ["/retag dev 1234567", {}, "has no commit 1234567"],
  ["/retag dev aaaaaaa", { buildSucceeded: async () => ({ kind: "none" }) }, "no build of aaaaaaa"],
  [
    "/retag dev aaaaaaa",
    { buildSucceeded: async () => ({ kind: "fork", repository: "mallory/api" }) },
    "built mallory/api's code (a fork)",
  ],
  [
    "/retag dev",
    { pullHead: async () => ({ sha: B, branch: "main", repository: "mallory/api", byApp: false }) },
    "comes from mallory/api",
  ],
  ["/retag dev v1.2.3", {}, "not one this config makes"],
  ["/retag dev aaaaaaa other", {}, "its own image"],
])("%s is refused with the problem", async (text, overrides, problem) => {
  const resolved = await resolveCommand(command(text), context(), ports(overrides));
  expect(resolved.ok).toBe(false);
  expect(!resolved.ok && resolved.problem).toContain(problem);
});

test("/retag --force passes the ordering guard; a default-branch SHA counts as the default branch's", async () => {
  const resolved = await resolveCommand(command("/retag prod aaaaaaa --force"), context(), ports());
  expect(resolved).toMatchObject({
    job: { wanted: [{ tag: "sha-aaaaaaaa", build: { branch: "main" }, explicit: { force: true } }] },
  });
});

test("/rollback puts back the previous tag, forced and on any branch, and holds it", async () => {
  const resolved = await resolveCommand(command("/rollback prod"), context(), ports());
  expect(resolved).toMatchObject({
    job: {
      wanted: [
        {
          image: "ghcr.io/acme/web",
          tag: "sha-aaaaaaaa",
          build: { sha: "aaaaaaaa", image: { name: "ghcr.io/acme/web", tag: "sha-aaaaaaaa" } },
          explicit: { environments: ["prod"], force: true, anyBranch: true },
        },
      ],
      edits: [
        {
          kind: "hold",
          environment: "prod",
          image: "ghcr.io/acme/web",
          hold: { tag: "sha-aaaaaaaa", by: "alice" },
        },
      ],
    },
  });
  const two = await resolveCommand(command("/rollback prod 2"), context(), ports());
  expect(two.ok && two.job.wanted[0]?.tag).toBe("sha-cccccccc");
  const far = await resolveCommand(command("/rollback prod 3"), context(), ports());
  expect(!far.ok && far.problem).toContain("had 2 earlier tag(s)");
});

test("in the manifests repository a service must be named", async () => {
  const bare = await resolveCommand(command("/rollback prod"), context(true), ports());
  expect(!bare.ok && bare.problem).toContain("which service");
  const named = await resolveCommand(command("/rollback prod web"), context(true), ports());
  expect(named.ok && named.job.wanted.map((wanted) => wanted.image)).toEqual(["ghcr.io/acme/web"]);
});

test("a named service's default branch is read from its repository, and a missing one is refused", async () => {
  const onTrunk = await resolveCommand(
    command("/promote dev prod api"),
    context(true),
    ports({ onDefaultBranch: async (repo) => repo.defaultBranch === "trunk" }),
  );
  expect(onTrunk).toMatchObject({
    ok: true,
    job: { wanted: [{ image: "ghcr.io/acme/api", build: { branch: "trunk" } }] },
  });
  const gone = await resolveCommand(command("/rollback prod nope"), context(true), ports());
  expect(gone).toMatchObject({ ok: false, problem: "the app cannot see a repository acme/nope" });
});

test("/promote copies the tag the first environment runs to the second, under the ordering guard and branch rule", async () => {
  const resolved = await resolveCommand(command("/promote dev prod"), context(), ports());
  expect(resolved).toMatchObject({
    job: {
      edits: [],
      wanted: [
        {
          tag: "sha-aaaaaaaa",
          build: { sha: "aaaaaaaa", branch: "main" },
          explicit: { environments: ["prod"], force: false, anyBranch: false },
        },
      ],
    },
  });
  const nothing = await resolveCommand(command("/promote prod dev"), context(), ports());
  expect(!nothing.ok && nothing.problem).toContain("no file in prod deploys ghcr.io/acme/web");
});

test("/retag in the app's own pull request changes the tag of that pull request's image", async () => {
  const own = ports({
    pullHead: async () => ({
      sha: "f".repeat(40),
      branch: "gitops-image-bot/prod/ghcr.io-acme-api",
      repository: "acme/manifests",
      byApp: true,
    }),
  });
  const resolved = await resolveCommand(command(`/retag prod ${A.slice(0, 8)}`), context(true), own);
  expect(resolved).toMatchObject({
    ok: true,
    job: {
      wanted: [
        {
          image: "ghcr.io/acme/api",
          tag: "sha-aaaaaaaa",
          build: { sha: A, branch: "trunk", repository: { name: "api", defaultBranch: "trunk" } },
          explicit: { environments: ["prod"], force: false },
        },
      ],
    },
  });
  const other = await resolveCommand(command(`/retag dev ${A.slice(0, 8)}`), context(true), own);
  expect(other).toMatchObject({ ok: false, problem: "this pull request changes prod, not dev" });
  const bare = await resolveCommand(command("/retag prod"), context(true), own);
  expect(bare).toMatchObject({ ok: false, problem: expect.stringContaining("which build?") });
});

test("/retag in a pull request from the app's branch that a person opened is not the app's pull request", async () => {
  const byHand = ports({
    pullHead: async () => ({
      sha: "f".repeat(40),
      branch: "gitops-image-bot/prod/ghcr.io-acme-api",
      repository: "acme/manifests",
      byApp: false,
    }),
  });
  const resolved = await resolveCommand(command(`/retag prod ${A.slice(0, 8)}`), context(true), byHand);
  expect(resolved.ok).toBe(false);
  expect(!resolved.ok && resolved.fix).toContain("<service>");
});

test("/rollback to a SHA whose tag the environment ran before goes back on any branch, by the full SHA", async () => {
  // sha-aaaaaaaa is in prod's history; the abbreviated SHA is resolved first (it used to throw).
  const resolved = await resolveCommand(command("/rollback prod aaaaaaa"), context(), ports());
  expect(resolved).toMatchObject({
    ok: true,
    job: {
      wanted: [
        {
          tag: "sha-aaaaaaaa",
          build: { sha: A },
          explicit: { environments: ["prod"], force: true, anyBranch: true },
        },
      ],
      edits: [{ kind: "hold", environment: "prod", hold: { tag: "sha-aaaaaaaa", reason: "rollback" } }],
    },
  });
});

test("/rollback to a SHA that never ran there passes /retag's checks and keeps the branch rule", async () => {
  const history = { tagHistory: async () => ["sha-cccccccc"] };
  // On the default branch, built: allowed, but only where the default branch may go.
  const onMain = await resolveCommand(command("/rollback prod aaaaaaa"), context(), ports(history));
  expect(onMain).toMatchObject({
    ok: true,
    job: {
      wanted: [
        {
          tag: "sha-aaaaaaaa",
          build: { sha: A, branch: "main" },
          explicit: { force: true, anyBranch: false },
        },
      ],
    },
  });
  // Another branch's commit may not reach prod (default branch only): refused before any hold is set.
  const feature = await resolveCommand(command(`/rollback prod ${B}`), context(), ports(history));
  expect(feature).toMatchObject({
    ok: false,
    problem: "sha-bbbbbbbb never ran in prod, and bbbbbbb is not on a branch that may deploy there",
  });
});

test.each<[string, Partial<CommandPorts>, string]>([
  ["/rollback prod 1234567", {}, "acme/web has no commit 1234567"],
  [`/rollback prod ${"f".repeat(40)}`, {}, `acme/web has no commit ${"f".repeat(40)}`],
  [
    "/rollback prod bbbbbbb",
    { buildSucceeded: async () => ({ kind: "fork", repository: "mallory/web" }) },
    "built mallory/web's code (a fork)",
  ],
  ["/rollback prod bbbbbbb", { buildSucceeded: async () => ({ kind: "none" }) }, "no build of bbbbbbb"],
])("%s is refused when the SHA never ran there and fails /retag's checks", async (text, overrides, why) => {
  const resolved = await resolveCommand(
    command(text),
    context(),
    ports({ tagHistory: async () => ["sha-aaaaaaaa"], ...overrides }),
  );
  expect(resolved).toMatchObject({ ok: false, problem: expect.stringContaining(why) });
});

describe("sources ordered by build number or version", () => {
  const ORDERED = `sources:
  - repositories: ["acme/web"]
    tag: "{build}-{sha:7}"
    order: build-number
  - repositories: ["acme/api"]
    triggers: [build]
    tag: "v{version}"
    order: semver
environments:
  dev: { paths: ["apps/*/dev/**"], branches: ["**"] }
  prod: { paths: ["apps/*/prod/**"], mode: pull-request }
`;
  const parsed = parseConfig(ORDERED);
  if (!parsed.ok) throw new Error("bad config");
  const api = { ...web, name: "api", htmlUrl: "https://github.com/acme/api" };
  const at = (repository: typeof web): CommandContext => ({
    ...context(),
    config: parsed.config,
    repository,
  });
  const numbered = ports({
    tagHistory: async () => ["42-bbbbbbb", "41-aaaaaaa"],
    deployedTag: async () => "42-aaaaaaa",
  });
  const versioned = ports({
    tagHistory: async () => ["v1.10.0", "v1.9.3"],
    deployedTag: async (environment) => (environment === "dev" ? "v1.10.0" : undefined),
  });

  test("/rollback goes back to the previous build's tag, ordered by build number", async () => {
    const resolved = await resolveCommand(command("/rollback prod"), at(web), numbered);
    expect(resolved).toMatchObject({
      job: {
        wanted: [{ tag: "41-aaaaaaa", order: "build-number", build: { sha: "aaaaaaa" } }],
        edits: [{ kind: "hold", hold: { tag: "41-aaaaaaa" } }],
      },
    });
    // A version tag names no commit: the tag itself is the build.
    const back = await resolveCommand(command("/rollback prod"), at(api), versioned);
    expect(back).toMatchObject({
      job: { wanted: [{ tag: "v1.9.3", order: "semver", build: { sha: undefined } }] },
    });
  });

  test("/retag <tag> keeps the tag and its build number, with the commit it names checked", async () => {
    const resolved = await resolveCommand(command("/retag dev 42-bbbbbbb"), at(web), numbered);
    expect(resolved).toMatchObject({
      job: {
        wanted: [
          {
            tag: "42-bbbbbbb",
            order: "build-number",
            build: { sha: B, buildNumber: 42 },
            explicit: { environments: ["dev"], force: false, anyBranch: false },
          },
        ],
      },
    });
  });

  test("/retag <version tag>: the tag is the build (no commit to look up), past the branch rule on the person's word", async () => {
    const asked: string[] = [];
    const resolved = await resolveCommand(
      command("/retag prod v1.10.0"),
      at(api),
      ports({
        commit: async (_repo, ref) => {
          asked.push(ref);
          return undefined;
        },
      }),
    );
    expect(resolved).toMatchObject({
      job: {
        wanted: [
          {
            tag: "v1.10.0",
            order: "semver",
            build: { sha: undefined, image: { tag: "v1.10.0" } },
            explicit: { environments: ["prod"], force: false, anyBranch: true },
          },
        ],
      },
    });
    expect(asked).toEqual([]);
  });

  test("/retag <sha> and /rollback <sha> cannot make a tag that needs the build number: the reply says to name the tag", async () => {
    const retag = await resolveCommand(command(`/retag dev ${B}`), at(web), numbered);
    expect(retag).toEqual({
      ok: false,
      problem:
        "the tag template `{build}-{sha:7}` needs the CI's build number, which a commit SHA does not give",
      fix: "name the tag: `/retag dev <tag>`",
    });
    const rollback = await resolveCommand(command(`/rollback dev ${A}`), at(web), numbered);
    expect(!rollback.ok && rollback.fix).toContain("`/rollback dev 1`");
    const version = await resolveCommand(command(`/retag dev ${B}`), at(api), versioned);
    expect(!version.ok && version.problem).toContain("needs a version");
  });

  test("/promote carries the order: an older build or version is judged by it, not taken as unordered", async () => {
    const numberedPromote = await resolveCommand(command("/promote dev prod"), at(web), numbered);
    expect(numberedPromote).toMatchObject({
      job: { wanted: [{ tag: "42-aaaaaaa", order: "build-number", explicit: { force: false } }] },
    });
    const versionPromote = await resolveCommand(command("/promote dev prod"), at(api), versioned);
    expect(versionPromote).toMatchObject({
      job: {
        wanted: [
          {
            tag: "v1.10.0",
            order: "semver",
            build: { sha: undefined },
            explicit: { force: false, anyBranch: true },
          },
        ],
      },
    });
  });
});

test("a service on another host named in the manifests repository: GitHub is asked nothing about it", async () => {
  const parsed = parseConfig(`sources:
  - repositories: ["payments/*"]
    host: gitlab.example.com
    triggers: [build]
    image: registry.example.com/{owner}/{repo}
    tag: "{build}-{sha:7}"
    order: build-number
environments:
  dev: { paths: ["apps/*/dev/**"], branches: ["**"] }
  prod: { paths: ["apps/*/prod/**"], mode: pull-request }
`);
  if (!parsed.ok) throw new Error("bad config");
  const resolved = await resolveCommand(
    command("/promote dev prod api"),
    { ...context(true), config: parsed.config },
    ports({
      imagesIn: async () => ["registry.example.com/payments/api"],
      deployedTag: async (environment) => (environment === "dev" ? "42-aaaaaaa" : undefined),
      repository: async () => {
        throw new Error("GitHub was asked about a repository on gitlab.example.com");
      },
    }),
  );
  expect(resolved).toMatchObject({
    ok: true,
    job: {
      wanted: [
        {
          image: "registry.example.com/payments/api",
          tag: "42-aaaaaaa",
          order: "build-number",
          build: { repository: { host: "gitlab.example.com", owner: "payments", name: "api" } },
        },
      ],
    },
  });
});
