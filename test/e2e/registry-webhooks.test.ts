// Registry webhooks (#17), through the real Probot server and the GitHub twin: pushes sent as Harbor
// (Default and CloudEvents formats, its "Auth Header" in Authorization), Docker Hub and Quay send them
// (twin/registry/senders.ts), and the git state they leave in acme/manifests.
import { PassThrough } from "node:stream";
import { redactedLog } from "../../src/http/redacted-log.js";
import { registrySecrets } from "../../src/http/registry/registry-route.js";
import {
  dockerHubPush,
  harborPush,
  quayPush,
  sendRegistryRequest,
  type RegistryRequest,
} from "../../twin/registry/senders.js";
import { closeExpectingNoViolations, overlay, sourceRepo, startBot, type BotHarness } from "./bot-harness.js";

const HARBOR_SECRET = "harbor-auth-header-0123456789";
const ROTATED = "harbor-auth-header-rotated-9876";
const DOCKERHUB_SECRET = "dockerhub-path-secret-0123456789";
const HARBOR = "harbor.example.com";

const DEV = "apps/web/overlays/dev/kustomization.yaml";
const PROD = "apps/web/overlays/prod/kustomization.yaml";
const API_DEV = "apps/api/overlays/dev/kustomization.yaml";
const OLD = "sha-0000000";

const CONFIG = `sources:
  - repositories: ["acme/web"]
    image: ${HARBOR}/acme/{repo}
    tag: sha-{sha:7}
    triggers: [registry]
  - repositories: ["acme/api"]
    image: docker.io/acme/{repo}
    tag: sha-{sha:7}
    triggers: [registry]
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

let bot: BotHarness;
let logged: string[];

async function start(extra: Record<string, string> = {}): Promise<void> {
  logged = [];
  const out = new PassThrough();
  out.on("data", (chunk: Buffer) => logged.push(chunk.toString("utf8")));
  bot = await startBot(
    [
      {
        name: "manifests",
        files: [
          { path: ".github/gitops-image-bot.yml", content: CONFIG },
          { path: DEV, content: overlay(`${HARBOR}/acme/web`, OLD) },
          { path: PROD, content: overlay(`${HARBOR}/acme/web`, OLD) },
          { path: API_DEV, content: overlay("docker.io/acme/api", OLD) },
        ],
      },
      sourceRepo("web"),
      sourceRepo("api"),
    ],
    {
      registrySecrets: registrySecrets({
        HARBOR_WEBHOOK_SECRET: `${HARBOR_SECRET},${ROTATED}`,
        DOCKERHUB_WEBHOOK_SECRET: DOCKERHUB_SECRET,
        ...extra,
      }),
      log: await redactedLog({ LOG_FORMAT: "json", LOG_LEVEL: "debug" }, out),
    },
  );
}

afterEach(async () => {
  await closeExpectingNoViolations(bot);
});

async function send(request: RegistryRequest): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await sendRegistryRequest(new URL(bot.webhookUrl).origin, request);
  await bot.idle();
  return answer;
}

const tagOf = (sha: string): string => `sha-${sha.slice(0, 7)}`;

describe("Harbor", () => {
  test.each(["default", "cloudevents"] as const)(
    "a %s-format push of a main commit's tag deploys dev and prod",
    async (format) => {
      await start();
      const sha = await bot.commitSource("web");
      const answer = await send(
        harborPush({
          host: HARBOR,
          repository: "acme/web",
          tag: tagOf(sha),
          format,
          authHeader: HARBOR_SECRET,
        }),
      );
      expect(answer).toEqual({
        status: 202,
        body: {
          pushes: [
            {
              pushed: `${HARBOR}/acme/web:${tagOf(sha)}`,
              queued: [{ manifests: "acme/manifests", images: [`${HARBOR}/acme/web:${tagOf(sha)}`] }],
              ignored: [],
            },
          ],
        },
      });
      expect(await bot.deployed(DEV)).toBe(tagOf(sha));
      expect(await bot.deployed(PROD)).toBe(tagOf(sha));
      // Redelivered: one deploy.
      const again = await send(
        harborPush({ host: HARBOR, repository: "acme/web", tag: tagOf(sha), format, authHeader: ROTATED }),
      );
      expect(again.status).toBe(202);
      expect((again.body["pushes"] as { duplicate?: boolean }[])[0]?.duplicate).toBe(true);
      expect(await bot.appCommits()).toHaveLength(1);
    },
  );

  test("a push without the auth header, or with a wrong one, gets 401 and writes nothing", async () => {
    await start();
    const sha = await bot.commitSource("web");
    const push = { host: HARBOR, repository: "acme/web", tag: tagOf(sha) };
    const answers = [
      await send(harborPush(push)),
      await send(harborPush({ ...push, authHeader: "harbor-auth-header-wrong-00000" })),
      await send(harborPush({ ...push, authHeader: `${HARBOR_SECRET},${ROTATED}` })),
    ];
    expect(answers).toEqual(Array(3).fill({ status: 401, body: { error: "unauthorized" } }));
    expect(await bot.appCommits()).toEqual([]);
  });

  test("`latest` is never written: the push is answered with the reason, a debug line says why", async () => {
    await start();
    await bot.commitSource("web");
    const answer = await send(
      harborPush({ host: HARBOR, repository: "acme/web", tag: "latest", authHeader: HARBOR_SECRET }),
    );
    expect(answer.status).toBe(202);
    expect(answer.body["pushes"]).toEqual([
      {
        pushed: `${HARBOR}/acme/web:latest`,
        queued: [],
        ignored: [
          { manifests: "acme/manifests", reason: expect.stringContaining("the tag latest is not one") },
        ],
      },
    ]);
    expect(await bot.appCommits()).toEqual([]);
    expect(await bot.deployed(DEV)).toBe(OLD);
    expect(logged.join("")).toContain("the tag does not follow the source's tag template");
  });

  test("an image built from a feature branch's commit never reaches prod (restricted to main)", async () => {
    await start();
    const sha = await bot.commitSource("web", "feature/login");
    const answer = await send(
      harborPush({ host: HARBOR, repository: "acme/web", tag: tagOf(sha), authHeader: HARBOR_SECRET }),
    );
    // Queued like any build: the ordering guard's branch rule keeps it out, not the route.
    expect(answer.status).toBe(202);
    expect((answer.body["pushes"] as { queued: unknown[] }[])[0]?.queued).toHaveLength(1);
    expect(await bot.deployed(PROD)).toBe(OLD);
    // The push does not say its branch and the commit is not on main: no environment takes it.
    expect(await bot.appCommits()).toEqual([]);
  });

  test("a pull is not a push: 202 ignored, nothing written", async () => {
    await start();
    const sha = await bot.commitSource("web");
    const answer = await send(
      harborPush({
        host: HARBOR,
        repository: "acme/web",
        tag: tagOf(sha),
        type: "PULL_ARTIFACT",
        authHeader: HARBOR_SECRET,
      }),
    );
    expect(answer).toEqual({
      status: 202,
      body: { ignored: "Harbor event PULL_ARTIFACT is not a push: only PUSH_ARTIFACT deploys" },
    });
    expect(await bot.appCommits()).toEqual([]);
  });
});

describe("Docker Hub and Quay (the secret in the path)", () => {
  test("a wrong path secret gets 401 and nothing else; the log never shows a path secret", async () => {
    await start();
    const sha = await bot.commitSource("api");
    const wrong = "dockerhub-wrong-secret-000000000";
    const answers = [
      await send(dockerHubPush("acme/api", tagOf(sha), wrong)),
      await send({ ...dockerHubPush("acme/api", tagOf(sha), ""), path: "/api/registry/dockerhub/" }),
    ];
    expect(answers).toEqual(Array(2).fill({ status: 401, body: { error: "unauthorized" } }));
    expect(await bot.appCommits()).toEqual([]);
    // The right secret deploys; neither secret is in the server's log (Probot logs every request's URL).
    expect((await send(dockerHubPush("acme/api", tagOf(sha), DOCKERHUB_SECRET))).status).toBe(202);
    expect(await bot.deployed(API_DEV)).toBe(tagOf(sha));
    const log = logged.join("");
    expect(log).toContain("/api/registry/dockerhub/[redacted]");
    expect(log).not.toContain(wrong);
    expect(log).not.toContain(DOCKERHUB_SECRET);
  });

  test("a correct Docker Hub push deploys; Quay without QUAY_WEBHOOK_SECRET is off (404)", async () => {
    await start();
    const sha = await bot.commitSource("api");
    const answer = await send(dockerHubPush("acme/api", tagOf(sha), DOCKERHUB_SECRET));
    expect(answer.status).toBe(202);
    expect(answer.body["pushes"]).toEqual([
      {
        pushed: `docker.io/acme/api:${tagOf(sha)}`,
        queued: [{ manifests: "acme/manifests", images: [`docker.io/acme/api:${tagOf(sha)}`] }],
        ignored: [],
      },
    ]);
    expect(await bot.deployed(API_DEV)).toBe(tagOf(sha));
    const quay = await send(quayPush("quay.io", "acme/api", [tagOf(sha)], DOCKERHUB_SECRET));
    expect(quay).toEqual({
      status: 404,
      body: { error: "/api/registry/quay is off: QUAY_WEBHOOK_SECRET is not set" },
    });
  });

  test("a body that is not a push gets 400 with the reason; a weak secret 503 with the reason", async () => {
    await start({ QUAY_WEBHOOK_SECRET: "short" });
    const request = dockerHubPush("acme/api", "sha-1a2b3c4", DOCKERHUB_SECRET);
    const body = JSON.parse(request.body) as { push_data: Record<string, unknown> };
    delete body.push_data["tag"];
    expect(await send({ ...request, body: JSON.stringify(body) })).toEqual({
      status: 400,
      body: {
        error:
          "not a Docker Hub push webhook: push_data.tag: Invalid input: expected string, received undefined",
      },
    });
    expect(await send({ ...request, body: "{" })).toEqual({
      status: 400,
      body: { error: "the body is not JSON" },
    });
    const quay = await send(quayPush("quay.io", "acme/api", ["sha-1a2b3c4"], "short"));
    expect(quay.status).toBe(503);
    expect(quay.body["error"]).toMatch(/^QUAY_WEBHOOK_SECRET is only 5 characters long/);
    expect(await bot.appCommits()).toEqual([]);
  });
});
