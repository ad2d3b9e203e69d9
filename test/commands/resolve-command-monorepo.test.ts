// Commands about a monorepo (a source with several `images`): its images are named by the last part of
// their names (`shop-api`) or all meant at once by the repository; /retag deploys the images built from
// the commit, each by its own workflow.
import { parseConfig, type Config } from "../../src/config/index.js";
import { parseCommands, type Command } from "../../src/commands/parse-commands.js";
import {
  resolveCommand,
  type CommandContext,
  type CommandPorts,
} from "../../src/commands/resolve-command.js";

const CONFIG = `sources:
  - repositories: [acme/shop]
    tag: "sha-{sha:8}"
    images:
      - image: ghcr.io/acme/shop-api
        workflows: [.github/workflows/build-api.yml]
      - image: ghcr.io/acme/shop-web
        workflows: [.github/workflows/build-web.yml]
  - repositories: ["acme/*"]
    tag: "sha-{sha:8}"
environments:
  dev: { paths: ["apps/*/dev/**"], branches: ["**"] }
  prod: { paths: ["apps/*/prod/**"], mode: pull-request }
`;
const A = "a".repeat(40);
const API = "ghcr.io/acme/shop-api";
const WEB = "ghcr.io/acme/shop-web";

function config(): Config {
  const result = parseConfig(CONFIG);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

const repo = (name: string) => ({
  owner: "acme",
  name,
  defaultBranch: "main",
  htmlUrl: `https://github.com/acme/${name}`,
});

function context(inManifests: boolean): CommandContext {
  return {
    config: config(),
    repository: repo(inManifests ? "manifests" : "shop"),
    inManifests,
    by: "alice",
    id: "comment-1-1",
    now: Date.parse("2026-11-22T10:00:00Z"),
    url: "https://github.com/acme/shop/issues/7#issuecomment-1",
  };
}

/** Only build-api.yml built commit A unless `built` says otherwise. */
function ports(built: readonly string[] = [".github/workflows/build-api.yml"]): CommandPorts {
  return {
    pullHead: async () => undefined,
    commit: async (_repo, ref) => (A.startsWith(ref) ? A : undefined),
    onDefaultBranch: async () => true,
    buildSucceeded: async (_repo, _sha, workflows) =>
      workflows.some((workflow) => built.includes(workflow)) ? { kind: "succeeded" } : { kind: "none" },
    deployedTag: async (environment, image) =>
      environment === "dev" && image !== WEB
        ? "sha-aaaaaaaa"
        : environment === "dev"
          ? "sha-bbbbbbbb"
          : undefined,
    tagHistory: async () => ["sha-bbbbbbbb", "sha-aaaaaaaa"],
    imagesIn: async () => [API, WEB, "ghcr.io/acme/web"],
    repository: async (owner, name) => (name === "shop" || name === "web" ? repo(name) : undefined),
  };
}

function command(text: string): Command {
  const [line] = parseCommands(text);
  if (!line?.ok) throw new Error(`not a command: ${text}`);
  return line.command;
}

async function images(text: string, inManifests: boolean, built?: readonly string[]) {
  const resolved = await resolveCommand(command(text), context(inManifests), ports(built));
  if (!resolved.ok) return resolved;
  return resolved.job.wanted.map((wanted) => `${wanted.image}:${wanted.tag}`);
}

test("/retag <sha> in a monorepo deploys the images whose own workflow built the commit", async () => {
  expect(await images("/retag dev aaaaaaa", false)).toEqual([`${API}:sha-aaaaaaaa`]);
  expect(
    await images("/retag dev aaaaaaa", false, [
      ".github/workflows/build-api.yml",
      ".github/workflows/build-web.yml",
    ]),
  ).toEqual([`${API}:sha-aaaaaaaa`, `${WEB}:sha-aaaaaaaa`]);
  // No image built from it: refused, as for any source.
  expect(await images("/retag dev aaaaaaa", false, [])).toMatchObject({
    ok: false,
    problem: expect.stringContaining("no build of aaaaaaa"),
  });
});

test("/retag names one image of a monorepo by the last part of its name; a named image must be built", async () => {
  expect(await images("/retag dev aaaaaaa shop-web", false, [".github/workflows/build-web.yml"])).toEqual([
    `${WEB}:sha-aaaaaaaa`,
  ]);
  expect(await images("/retag dev aaaaaaa shop-web", false)).toMatchObject({
    ok: false,
    problem: expect.stringContaining("no build of aaaaaaa"),
  });
  expect(await images("/retag dev aaaaaaa web", false)).toMatchObject({
    ok: false,
    problem: "acme/shop builds shop-api, shop-web, not web",
  });
  // In the manifests repository the image is found among those the environment deploys.
  expect(await images("/retag dev aaaaaaa shop-api", true)).toEqual([`${API}:sha-aaaaaaaa`]);
});

test("/promote of a monorepo's repository promotes each of its images; an image named promotes that one", async () => {
  expect(await images("/promote dev prod shop", true)).toEqual([
    `${API}:sha-aaaaaaaa`,
    `${WEB}:sha-bbbbbbbb`,
  ]);
  expect(await images("/promote dev prod shop-web", true)).toEqual([`${WEB}:sha-bbbbbbbb`]);
  expect(await images("/promote dev prod shop-cli", true)).toMatchObject({
    ok: false,
    problem: "the app cannot see a repository acme/shop-cli",
  });
});

test("/rollback and /resume of a monorepo name its image, or mean them all", async () => {
  const rollback = await resolveCommand(command("/rollback dev shop-api"), context(true), ports());
  expect(rollback.ok && rollback.job.edits.map((edit) => "image" in edit && edit.image)).toEqual([API]);
  const resume = await resolveCommand(command("/resume prod"), context(false), ports());
  expect(resume.ok && resume.job.edits.map((edit) => "image" in edit && edit.image)).toEqual([API, WEB]);
});
