// What a build may claim about itself (#15 item 5, security review finding 2): the image a package
// names, and the branch a workflow run names. Each test drives the real server against the twin and
// checks the manifests repository's files that result.
import {
  closeExpectingNoViolations,
  CONFIG,
  DEV,
  OLD,
  overlay,
  PROD,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "./bot-harness.js";

const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const PACKAGE_CONFIG = CONFIG.replace(
  'repositories: ["acme/*"]',
  'repositories: ["acme/*"]\n    triggers: [package]\n    tag: sha-{sha:7}',
);

let bot: BotHarness;

afterEach(() => closeExpectingNoViolations(bot));

async function start(config: string): Promise<void> {
  const manifests = webManifests([{ path: API_DEV, content: overlay("ghcr.io/acme/api", OLD) }]);
  bot = await startBot([
    {
      ...manifests,
      files: (manifests.files ?? []).map((file) =>
        file.path === ".github/gitops-image-bot.yml" ? { ...file, content: config } : file,
      ),
    },
    sourceRepo("web"),
    sourceRepo("api"),
  ]);
}

/** A real `package` published payload of acme/`name`, for the package `packageUrl` built from `sha`. */
function packageEvent(
  name: string,
  sha: string,
  packageUrl: string,
  namespace = "acme",
): Record<string, unknown> {
  const payload = bot.example("package", "published", "acme", name);
  const pkg = payload["package"] as Record<string, unknown> & { package_version: Record<string, unknown> };
  pkg["namespace"] = namespace;
  pkg.package_version["package_url"] = packageUrl;
  pkg.package_version["container_metadata"] = {
    tag: { name: `sha-${sha.slice(0, 7)}`, digest: `sha256:${"7".repeat(64)}` },
    labels: { revision: sha, all_labels: { "org.opencontainers.image.revision": sha } },
  };
  return payload;
}

test("a package of acme/web named ghcr.io/acme/api never writes api's overlay; web's own package still deploys", async () => {
  await start(PACKAGE_CONFIG);
  const sha = await bot.commitSource("web");
  const tag = `sha-${sha.slice(0, 7)}`;
  await bot.send("package", packageEvent("web", sha, `ghcr.io/acme/api:${tag}`));
  // Another owner's namespace, even for web's own image name, is refused too.
  await bot.send("package", packageEvent("web", sha, `ghcr.io/mallory/web:${tag}`, "mallory"));
  await bot.idle();
  expect(await bot.deployed(API_DEV)).toBe(OLD);
  expect(await bot.deployed(DEV)).toBe(OLD);
  expect(await bot.appCommits()).toHaveLength(0);

  await bot.send("package", packageEvent("web", sha, `ghcr.io/acme/web:${tag}`));
  await bot.idle();
  expect(await bot.deployed(DEV)).toBe(tag);
  expect(await bot.deployed(PROD)).toBe(tag);
  expect(await bot.deployed(API_DEV)).toBe(OLD);
});
