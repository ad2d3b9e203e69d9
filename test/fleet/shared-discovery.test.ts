// A new replica's first build as cheap as a warm one (#19): the manifests registry, the manifest index
// (tree listings by tree oid, blobs by blob oid, each repository's last tree) and the app's slug are the
// fleet's, in a real Redis. One replica deploys; a second one, started fresh on the same Redis with no
// warm-up, then costs only its own installation token (never shared) on top of a warm build's query and
// commit. A config push or the installation's repositories changing on one replica, and a push by
// someone else, are seen by the other.
import { createHmac } from "node:crypto";
import {
  buildRequests,
  closeExpectingNoViolations,
  overlay,
  sourceRepo,
  startBot,
  webManifests,
  type BotHarness,
} from "../e2e/bot-harness.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";
import { replicaBuildRequests, startReplica, type Replica } from "./replica-harness.js";

const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const API_PROD = "apps/api/overlays/prod/kustomization.yaml";
const API_IMAGE = "ghcr.io/acme/api";
const MADE_UP = "3f".repeat(20);
const QUERY = "graphql query repository";
const COMMIT = "graphql mutation createCommitOnBranch";
const TOKEN = "POST /app/installations/{installation_id}/access_tokens";
const CONFIG_PATH = ".github/gitops-image-bot.yml";

/** Builds of acme/web only (then acme/*), by workflow runs and `POST /api/builds`. */
const config = (repositories: string): string => `sources:
  - repositories: [${repositories}]
    triggers: [workflow_run, build]
environments:
  dev:
    paths: ["apps/*/overlays/dev/**"]
    mode: commit
    branches: ["**"]
  prod:
    paths: ["apps/*/overlays/prod/**"]
    mode: commit
    branches: [main]
`;

describeWithRedis("discovery shared by the fleet", () => {
  let redis: RedisServer;
  let first: BotHarness | undefined;
  let second: Replica | undefined;

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  afterEach(async () => {
    await second?.close();
    second = undefined;
    if (first) await closeExpectingNoViolations(first);
    first = undefined;
    // Each test starts on an empty Redis (a new twin: new objects, the same installation id).
    const { Redis } = await import("ioredis");
    const client = new Redis(redis.url);
    await client.flushall();
    client.disconnect();
  });

  /** acme/manifests with acme/web's overlays, and acme/api's too unless `withApi` is false. */
  async function startFirst(redisUrl: string | undefined, files = { withApi: true, sources: "acme/*" }) {
    const manifests = webManifests(
      files.withApi
        ? [
            { path: API_DEV, content: overlay(API_IMAGE, MADE_UP) },
            { path: API_PROD, content: overlay(API_IMAGE, MADE_UP) },
          ]
        : [],
    );
    const withConfig = {
      ...manifests,
      files: (manifests.files ?? []).map((file) =>
        file.path === CONFIG_PATH ? { ...file, content: config(files.sources) } : file,
      ),
    };
    first = await startBot([withConfig, sourceRepo("web"), sourceRepo("api")], {
      ...(redisUrl === undefined ? {} : { redisUrl }),
    });
    return first;
  }

  /** The first replica deploys acme/web once: it read the registry, the tree and every overlay. */
  async function deployOnce(harness: BotHarness): Promise<void> {
    const sha = await harness.commitSource("web");
    await buildRequests(harness, "web", sha);
    expect(await harness.deployed("apps/web/overlays/dev/kustomization.yaml")).toBe(sha);
  }

  /** A second replica's first build of acme/api, as requests by route. */
  async function secondReplicasFirstBuild(redisUrl: string | undefined): Promise<Record<string, number>> {
    const harness = await startFirst(redisUrl);
    await deployOnce(harness);
    second = await startReplica(harness, redisUrl === undefined ? {} : { redisUrl });
    const sha = await harness.commitSource("api");
    const byRoute = await replicaBuildRequests(harness, second, "api", sha);
    expect(await harness.deployed(API_DEV)).toBe(sha);
    expect(await harness.deployed(API_PROD)).toBe(sha);
    return byRoute;
  }

  test("a fresh replica's first build: a warm build's query and commit, and at most a token", async () => {
    const byRoute = await secondReplicasFirstBuild(redis.url);
    // No GET /app, no repository listing, no config probe, no tree, no blob: another replica read them.
    // The build may be routed and written by either replica (the fleet's intake and queue are shared):
    // by the fresh one, it asks its own installation token (tokens never go to Redis); by the warm one, not.
    const { [TOKEN]: token = 0, ...rest } = byRoute;
    expect(rest).toEqual({ [QUERY]: 1, [COMMIT]: 1 });
    expect(token).toBeLessThanOrEqual(1);
  });

  test("without Redis the same first build discovers everything again", async () => {
    const byRoute = await secondReplicasFirstBuild(undefined);
    expect(byRoute["GET /installation/repositories"]).toBe(1);
    expect(byRoute["GET /repos/{owner}/{repo}/git/trees/{tree_sha}"]).toBe(1);
    expect(Object.values(byRoute).reduce((sum, count) => sum + count, 0)).toBeGreaterThan(3);
  });

  test("a config push heard by one replica clears the registry the other one reads", async () => {
    const harness = await startFirst(redis.url, { withApi: true, sources: "acme/web" });
    await deployOnce(harness); // the registry, with acme/web as the only source, is in Redis
    second = await startReplica(harness, { redisUrl: redis.url });
    const before = await harness.commitSource("api");
    await replicaBuildRequests(harness, second, "api", before);
    expect(await harness.deployed(API_DEV)).toBe(MADE_UP); // acme/api is no source yet
    // Someone widens the sources: the push reaches the first replica only.
    await harness.push({
      owner: "acme",
      name: "manifests",
      branch: "main",
      login: "alice",
      files: [{ path: CONFIG_PATH, content: config("acme/*") }],
    });
    await harness.idle();
    const sha = await harness.commitSource("api");
    const byRoute = await replicaBuildRequests(harness, second, "api", sha);
    expect(await harness.deployed(API_DEV)).toBe(sha);
    expect(byRoute["GET /installation/repositories"]).toBe(1); // read again, once, by the second replica
  });

  test("installation_repositories on one replica clears the registry for the other", async () => {
    const harness = await startFirst(redis.url);
    await deployOnce(harness);
    second = await startReplica(harness, { redisUrl: redis.url });
    await harness.send(
      "installation_repositories",
      harness.example("installation_repositories", "added", "acme", "web"),
    );
    await harness.idle();
    const sha = await harness.commitSource("api");
    const byRoute = await replicaBuildRequests(harness, second, "api", sha);
    expect(await harness.deployed(API_DEV)).toBe(sha);
    expect(byRoute["GET /installation/repositories"]).toBe(1);
  });

  test("a push by someone else, heard by one replica, makes the other forget the tree it knew", async () => {
    const secret = "fleet-builds-0123456789abcdef";
    const previous = process.env["BUILDS_WEBHOOK_SECRET"];
    process.env["BUILDS_WEBHOOK_SECRET"] = secret;
    try {
      // No overlay of acme/api yet: both replicas know a tree where nothing references it.
      const harness = await startFirst(redis.url, { withApi: false, sources: "acme/*" });
      await deployOnce(harness);
      second = await startReplica(harness, { redisUrl: redis.url });
      const refused = await postBuild(second, secret, await harness.commitSource("api"));
      expect(refused.queued).toEqual([]);
      expect(JSON.stringify(refused.ignored)).toContain("references ghcr.io/acme/api");
      // Someone adds acme/api's overlay: the push reaches the first replica only.
      await harness.push({
        owner: "acme",
        name: "manifests",
        branch: "main",
        login: "alice",
        files: [{ path: API_DEV, content: overlay(API_IMAGE, MADE_UP) }],
      });
      await harness.idle();
      const sha = await harness.commitSource("api");
      const answer = await postBuild(second, secret, sha);
      expect(answer.queued).toEqual([{ manifests: "acme/manifests", images: [`${API_IMAGE}:${sha}`] }]);
      await second.idle();
      expect(await harness.deployed(API_DEV)).toBe(sha);
    } finally {
      if (previous === undefined) delete process.env["BUILDS_WEBHOOK_SECRET"];
      else process.env["BUILDS_WEBHOOK_SECRET"] = previous;
    }
  });
});

/** A build of acme/api at `sha` sent to the replica's `POST /api/builds`, signed as a CI signs it. */
async function postBuild(
  replica: Replica,
  secret: string,
  sha: string,
): Promise<{ queued: unknown[]; ignored: unknown[] }> {
  const body = JSON.stringify({ repository: "acme/api", sha, image: API_IMAGE, tag: sha, branch: "main" });
  const signature = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
  const response = await fetch(`${replica.origin}/api/builds`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-gitops-image-bot-signature-256": signature },
    body,
  });
  expect(response.status).toBe(202);
  return (await response.json()) as { queued: unknown[]; ignored: unknown[] };
}
