import { Writable } from "node:stream";
import { pino } from "pino";
import type { Logger } from "probot";
import { parseConfig, sourceForImage, type Config } from "../../src/config/index.js";
import { hostSourceForImage } from "../../src/config/host-source-for-image.js";
import { tagFor } from "../../src/config/render-tag.js";
import { registrySecrets } from "../../src/http/registry/registry-route.js";
import {
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  type BotHarness,
} from "../e2e/bot-harness.js";
import { buildBodySchema, type ContractBuild } from "./build-contract.js";
import { recipesConfigText } from "./recipes-config.js";
import { startRecordingProxy, type Recorded } from "./recording-proxy.js";

/** The images the recipe tests build, one per recipe, each with a kustomization per environment. */
export const RECIPE_IMAGES = {
  jenkins: "harbor.example.com/shop/api",
  gitlab: "registry.gitlab.example.com/payments/backend/api",
  githubActions: "ghcr.io/partner/web",
  harbor: "harbor.example.com/shop/web",
  dockerHub: "docker.io/acme/cart",
} as const;

export const BOT_SECRETS = {
  builds: "bot-builds-secret-0123456789abcdef",
  harbor: "bot-harbor-secret-0123456789abcdef",
  dockerhub: "botdockerhubsecret0123456789abcdef",
} as const;

const ZERO = "0".repeat(40);
const ORG = "acme";

/**
 * The real bot (createBot behind the real Probot server, against the GitHub twin) with secrets for
 * `POST /api/builds`, Harbor and Docker Hub, behind a recording proxy that senders use as the bot's URL.
 * acme/manifests holds the config made of the recipes' own config blocks and, for each of
 * RECIPE_IMAGES, a dev and a prod kustomization at build 1 of the zero commit.
 */
export interface BotTarget {
  /** The proxy's base URL, as a CI's GITOPS_IMAGE_BOT_URL (no trailing slash). */
  readonly url: string;
  readonly secrets: typeof BOT_SECRETS;
  /** Every request senders made, with the bot's real answer. */
  readonly requests: readonly Recorded[];
  /** The bodies of `POST /api/builds` the bot answered 202, read by the wire contract. */
  readonly builds: readonly ContractBuild[];
  /** The registry pushes the bot answered 202: the registry and the parsed body. */
  readonly pushes: readonly { readonly registry: "harbor" | "dockerhub"; readonly body: unknown }[];
  failNext(times: number, status: number | "hang"): void;
  /** A new commit on main of acme/<name>, a source repository the app is installed on. */
  commit(name: string): Promise<string>;
  /** The tag acme/manifests deploys `image` at in an environment now, once the bot is idle. */
  deployed(image: string, environment?: "dev" | "prod"): Promise<string | undefined>;
  /** The tags the bot's open pull requests propose for `image` in an environment, once the bot is idle. */
  proposed(image: string, environment?: "dev" | "prod"): Promise<string[]>;
  readonly bot: BotHarness;
  /** The app's warnings and errors (JSON lines), to read when a test fails. */
  readonly logged: readonly string[];
  /** Closes the proxy, the app and the twin; fails the test if the twin saw a request GitHub would refuse. */
  close(): Promise<void>;
}

/** apps/<image's path, dashed>/overlays/<environment>/kustomization.yaml */
export function overlayPath(image: string, environment: "dev" | "prod" = "dev"): string {
  const path = image.slice(image.indexOf("/") + 1).replaceAll("/", "-");
  return `apps/${path}/overlays/${environment}/kustomization.yaml`;
}

function parsedConfig(text: string): Config {
  const result = parseConfig(text, ".github/gitops-image-bot.yml");
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join("\n"));
  return result.config;
}

/** The tag an image starts at: its source's template for build 1 of the zero commit. */
function startTag(config: Config, image: string): string {
  const source = sourceForImage(config, image)?.source ?? hostSourceForImage(config, image);
  const tag = source && tagFor(source.tag, { sha: ZERO, build: 1 });
  if (tag === undefined) throw new Error(`no source of the recipes' config builds ${image}`);
  return tag;
}

/** The GitHub repositories of the installing organisation that build the images (the app sees them). */
function sourceRepos(config: Config): string[] {
  const names = Object.values(RECIPE_IMAGES).flatMap((image) => {
    const found = sourceForImage(config, image);
    return found && found.owner === ORG ? [found.repo] : [];
  });
  return [...new Set(names)];
}

const tagIn = (text: string | null): string | undefined => text?.match(/newTag: "([^"]*)"/)?.[1];

export async function startBotTarget(): Promise<BotTarget> {
  const text = recipesConfigText();
  const config = parsedConfig(text);
  const files = Object.values(RECIPE_IMAGES).flatMap((image) =>
    (["dev", "prod"] as const).map((environment) => ({
      path: overlayPath(image, environment),
      content: overlay(image, startTag(config, image)),
    })),
  );
  const logged: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString("utf8"));
      done();
    },
  });
  // The app reads BUILDS_WEBHOOK_SECRET when it starts.
  const before = process.env["BUILDS_WEBHOOK_SECRET"];
  process.env["BUILDS_WEBHOOK_SECRET"] = BOT_SECRETS.builds;
  let bot: BotHarness;
  try {
    bot = await startBot(
      [
        { name: "manifests", files: [{ path: ".github/gitops-image-bot.yml", content: text }, ...files] },
        ...sourceRepos(config).map(sourceRepo),
      ],
      {
        registrySecrets: registrySecrets({
          HARBOR_WEBHOOK_SECRET: BOT_SECRETS.harbor,
          DOCKERHUB_WEBHOOK_SECRET: BOT_SECRETS.dockerhub,
        }),
        log: pino({ level: "warn" }, sink) as unknown as Logger,
      },
    );
  } finally {
    if (before === undefined) delete process.env["BUILDS_WEBHOOK_SECRET"];
    else process.env["BUILDS_WEBHOOK_SECRET"] = before;
  }
  const proxy = await startRecordingProxy(new URL(bot.webhookUrl).origin);
  const accepted = (prefix: string) =>
    proxy.requests.filter((one) => one.status === 202 && one.path.startsWith(prefix));
  const manifests = bot.repo("acme", "manifests");

  return {
    url: proxy.url,
    secrets: BOT_SECRETS,
    requests: proxy.requests,
    get builds() {
      return accepted("/api/builds").map((one) =>
        buildBodySchema.parse(JSON.parse(one.raw.toString("utf8"))),
      );
    },
    get pushes() {
      return [
        ...accepted("/api/registry/harbor").map((one) => ({ registry: "harbor" as const, one })),
        ...accepted("/api/registry/dockerhub/").map((one) => ({ registry: "dockerhub" as const, one })),
      ]
        .sort((a, b) => proxy.requests.indexOf(a.one) - proxy.requests.indexOf(b.one))
        .map(({ registry, one }) => ({ registry, body: JSON.parse(one.raw.toString("utf8")) as unknown }));
    },
    failNext: (times, status) => proxy.failNext(times, status),
    commit: (name) => bot.commitSource(name),
    deployed: async (image, environment = "dev") => {
      await bot.idle();
      return tagIn(await bot.file("acme", "manifests", overlayPath(image, environment)));
    },
    proposed: async (image, environment = "prod") => {
      await bot.idle();
      const heads = [...manifests.issues.values()]
        .filter((issue) => issue.pull !== undefined && issue.state === "open")
        .map((issue) => issue.pull!.headRef);
      const path = overlayPath(image, environment);
      const now = tagIn(await bot.file("acme", "manifests", path));
      const tags: string[] = [];
      for (const head of heads) {
        const tag = tagIn(await bot.file("acme", "manifests", path, head));
        if (tag !== undefined && tag !== now) tags.push(tag);
      }
      return tags;
    },
    bot,
    close: async () => {
      await proxy.close();
      await closeExpectingNoViolations(bot);
    },
    logged,
  };
}
