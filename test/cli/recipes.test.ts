import { execFile } from "node:child_process";
import { chmod, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import {
  matchSource,
  parseConfig,
  renderImageName,
  sourceForImage,
  type Config,
} from "../../src/config/index.js";
import { valuesFromTag } from "../../src/config/sha-from-tag.js";
import type { ContractBuild } from "../helpers/build-contract.js";
import { RECIPE_IMAGES } from "../helpers/bot-target.js";
import { startBuildTarget, type BuildTarget } from "../helpers/build-target.js";
import { recipe, recipeBlocks, RECIPES_DIR } from "../helpers/recipe-blocks.js";
import { CONFIG_RECIPES, recipesConfigText } from "../helpers/recipes-config.js";

// Every recipe in docs/recipes run as written: the CI's script with the CI's variables, sending to the real
// bot (the Probot server against the GitHub twin, behind a recording proxy: test/helpers/build-target.ts)
// whose manifests repository is configured with the recipes' own config blocks. Each test checks what was
// sent against the wire contract, the bot's real answer, and the outcome: the tag written into
// acme/manifests (or nothing written). `npx gitops-image-bot` runs the built CLI (dist/cli.js, built by
// `npm test`).

/** The commit of a source not on the twin (GitLab's, or a GitHub repository the app is not installed on). */
const SHA = "3f2c1a9e0b7d4c6a8e5f1b2d3c4a5e6f7a8b9c0d";
/** What acme/manifests deploys every image at before a test: build 1 of the zero commit, by its template. */
const START = { jenkins: "1-0000000", gitlab: "1-00000000", harbor: "1-0000000", dockerHub: "sha-0000000" };
const CLI = join(process.cwd(), "dist", "cli.js");

// A bot of its own per test (it starts in about a second): every test starts from the same acme/manifests.
let target: BuildTarget;
let dir: string;
beforeEach(async () => {
  target = await startBuildTarget();
  dir = await mkdtemp(join(tmpdir(), "recipes-"));
  // `npx gitops-image-bot ...` as on an agent with the package installed.
  await writeFile(
    join(dir, "npx"),
    `#!/bin/sh\n[ "$1" = gitops-image-bot ] || { echo "npx: unexpected $1" >&2; exit 127; }\nshift\nexec "${process.execPath}" "${CLI}" "$@"\n`,
  );
  await chmod(join(dir, "npx"), 0o755);
});
afterEach(async () => {
  await target.close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `script` as the CI would (`shell` is the CI's command line, the script file last), in a clean environment. */
async function runScript(shell: string[], script: string, env: Record<string, string>): Promise<Run> {
  const file = join(dir, "script.sh");
  await writeFile(file, script);
  const [command = "", ...args] = shell;
  return new Promise((resolve) => {
    execFile(
      command,
      [...args, file],
      { cwd: dir, env: { PATH: `${dir}:${process.env.PATH ?? ""}`, HOME: dir, ...env } },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          stdout,
          stderr,
        }),
    );
  });
}

/** The recipe's `recipe-config` block, parsed by the app's own parser with no problem. */
function recipeConfig(file: string): Config {
  const blocks = recipeBlocks(file).filter((block) => "recipe-config" in block.attrs);
  expect(blocks).toHaveLength(1);
  const result = parseConfig(blocks[0]!.text, `${file}:${blocks[0]!.line}`);
  if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join("\n"));
  return result.config;
}

/** The build deploys by the recipe's own config: its source allows it and reads its tag and image back. */
function expectConfigTakes(file: string, build: ContractBuild): void {
  const config = recipeConfig(file);
  const source = matchSource(config, build.repository, build.host);
  expect(source?.triggers).toContain("build");
  const values = valuesFromTag(source!.tag, build.tag);
  expect(build.sha.startsWith(values?.sha ?? "-")).toBe(true);
  expect(values?.build).toBe(Number(build.buildNumber));
  const slash = build.repository.lastIndexOf("/");
  const image = renderImageName(
    source!.image,
    build.repository.slice(0, slash),
    build.repository.slice(slash + 1),
  );
  expect(image).toBe(build.image);
}

/** The bot's base URL the recipe shows, replaced by the target's (the only value a test changes). */
function pointAtTarget(shown: string | undefined): string {
  expect(shown).toBe("https://gitops-image-bot.example.com");
  return target.url;
}

describe("Jenkins (docs/recipes/jenkins.md)", () => {
  function jenkinsfile(text: string) {
    const environment = Object.fromEntries(
      [...(/environment \{([^}]*)\}/.exec(text)?.[1] ?? "").matchAll(/^\s*(\w+) = '([^']*)'$/gm)].map((m) => [
        m[1]!,
        m[2]!,
      ]),
    );
    const post = text.slice(text.indexOf("post {"));
    const script = /sh '''\n([\s\S]*?)'''/.exec(post)?.[1];
    const credential = /variable: '(\w+)'/.exec(post)?.[1];
    if (script === undefined || credential === undefined)
      throw new Error("no post { sh ''' ''' } step with credentials");
    return { environment, script, credential };
  }

  /** The Jenkins variables for a build of `sha` (a commit of acme/api in the twin). */
  const jenkinsEnv = (sha: string) => ({
    GIT_COMMIT: sha,
    BUILD_NUMBER: "42",
    BUILD_URL: "https://jenkins.example.com/job/api/job/main/42/",
  });

  async function runJenkins(
    name: string,
    sha: string,
    variables: Record<string, string>,
    edit = (text: string) => text,
  ) {
    const main = jenkinsfile(recipe("jenkins.md", "jenkins").text);
    const step = jenkinsfile(edit(recipe("jenkins.md", name).text));
    const environment = {
      ...main.environment,
      GITOPS_IMAGE_BOT_URL: pointAtTarget(main.environment["GITOPS_IMAGE_BOT_URL"]),
    };
    // Jenkins runs an `sh` step as `/bin/sh -xe script`.
    return runScript(["/bin/sh", "-xe"], step.script, {
      ...environment,
      ...jenkinsEnv(sha),
      ...variables,
      [step.credential]: target.secrets.builds,
    });
  }

  const IMAGE = RECIPE_IMAGES.jenkins;
  const expected = (sha: string) => ({
    repository: "acme/api",
    sha,
    image: IMAGE,
    tag: `42-${sha.slice(0, 7)}`,
    branch: "main",
    url: "https://jenkins.example.com/job/api/job/main/42/",
  });

  test("the post { success } step (curl + openssl) sends a signed build the bot deploys to dev and proposes for prod", async () => {
    const sha = await target.commit("api");
    const tag = `42-${sha.slice(0, 7)}`;
    const run = await runJenkins("jenkins", sha, { BRANCH_NAME: "main" });
    // The step prints the bot's answer.
    expect(JSON.parse(run.stdout)).toEqual({
      queued: [{ manifests: "acme/manifests", images: [`${IMAGE}:${tag}`] }],
      ignored: [],
    });
    expect(run.code).toBe(0);
    expect(target.builds).toEqual([{ ...expected(sha), buildNumber: "42" }]);
    expect(run.stderr).not.toContain(target.secrets.builds);
    expectConfigTakes("jenkins.md", target.builds[0]!);
    expect(await target.deployed(IMAGE)).toBe(tag);
    expect(await target.deployed(IMAGE, "prod")).toBe(START.jenkins);
    expect(await target.proposed(IMAGE, "prod")).toEqual([tag]);
  });

  test("a pipeline that is not multibranch: the branch from GIT_BRANCH without origin/, deployed by dev's branch rule", async () => {
    const sha = await target.commit("api");
    const run = await runJenkins("jenkins", sha, { GIT_BRANCH: "origin/release/1.x" });
    expect(run.code).toBe(0);
    expect(target.builds).toEqual([{ ...expected(sha), branch: "release/1.x", buildNumber: "42" }]);
    // dev takes any branch; prod only the default branch's builds.
    expect(await target.deployed(IMAGE)).toBe(`42-${sha.slice(0, 7)}`);
    expect(await target.proposed(IMAGE, "prod")).toEqual([]);
  });

  test("with notify-build instead of curl", async () => {
    const sha = await target.commit("api");
    const tag = `42-${sha.slice(0, 7)}`;
    const run = await runJenkins("jenkins-notify-build", sha, { BRANCH_NAME: "main" });
    expect(run).toMatchObject({ code: 0, stdout: `queued for acme/manifests: ${IMAGE}:${tag}\n` });
    expect(target.builds).toEqual([{ ...expected(sha), buildNumber: 42 }]);
    expect(await target.deployed(IMAGE)).toBe(tag);
    expect(await target.proposed(IMAGE, "prod")).toEqual([tag]);
  });

  test("a recipe that signs in the wrong header is refused, its step fails the build, and nothing is written", async () => {
    const sha = await target.commit("api");
    const run = await runJenkins("jenkins", sha, { BRANCH_NAME: "main" }, (text) =>
      text.replace("X-Gitops-Image-Bot-Signature-256", "X-Hub-Signature-256"),
    );
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain('{"error":"unauthorized"}');
    expect(target.requests.map((one) => one.status)).toEqual([401]);
    expect(target.builds).toEqual([]);
    expect(await target.deployed(IMAGE)).toBe(START.jenkins);
    expect(await target.proposed(IMAGE, "prod")).toEqual([]);
    expect(await target.bot.appCommits()).toEqual([]);
  });
});

describe("GitLab CI (docs/recipes/gitlab-ci.md)", () => {
  const GITLAB_ENV = {
    CI_COMMIT_SHA: SHA,
    CI_COMMIT_SHORT_SHA: SHA.slice(0, 8),
    CI_PIPELINE_IID: "17",
    CI_COMMIT_BRANCH: "main",
    CI_DEFAULT_BRANCH: "main",
    CI_PIPELINE_URL: "https://gitlab.example.com/payments/backend/api/-/pipelines/9001",
    CI_PROJECT_PATH: "payments/backend/api",
    CI_SERVER_HOST: "gitlab.example.com",
    CI_REGISTRY_IMAGE: "registry.gitlab.example.com/payments/backend/api",
    CI_COMMIT_TIMESTAMP: "2026-05-04T10:20:30+00:00",
  };

  async function runJob(name: string) {
    const jobs = parse(recipe("gitlab-ci.md", name).text) as Record<
      string,
      { variables?: Record<string, string>; script: string[] }
    >;
    const job = jobs["notify-gitops-image-bot"]!;
    const variables = {
      ...job.variables,
      GITOPS_IMAGE_BOT_URL: pointAtTarget(job.variables?.["GITOPS_IMAGE_BOT_URL"]),
    };
    // The runner runs the script's lines in one shell that stops at the first failing line.
    return runScript(["/bin/sh", "-e"], `${job.script.join("\n")}\n`, {
      ...GITLAB_ENV,
      ...variables,
      GITOPS_IMAGE_BOT_BUILD_SECRET: target.secrets.builds,
    });
  }

  const expected = {
    repository: "payments/backend/api",
    host: "gitlab.example.com",
    sha: SHA,
    image: "registry.gitlab.example.com/payments/backend/api",
    tag: "17-3f2c1a9e",
    branch: "main",
    defaultBranch: "main",
    url: "https://gitlab.example.com/payments/backend/api/-/pipelines/9001",
    committedAt: "2026-05-04T10:20:30+00:00",
  };

  const IMAGE = RECIPE_IMAGES.gitlab;

  test("the job's script sends a signed build from another host that the bot deploys", async () => {
    const run = await runJob("gitlab-ci");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      queued: [{ manifests: "acme/manifests", images: [`${IMAGE}:${expected.tag}`] }],
      ignored: [],
    });
    expect(target.builds).toEqual([{ ...expected, buildNumber: "17" }]);
    expectConfigTakes("gitlab-ci.md", target.builds[0]!);
    expect(await target.deployed(IMAGE)).toBe(expected.tag);
    expect(await target.proposed(IMAGE, "prod")).toEqual([expected.tag]);
  });

  test("with notify-build instead of curl", async () => {
    const run = await runJob("gitlab-ci-notify-build");
    expect(run).toMatchObject({ code: 0, stdout: `queued for acme/manifests: ${IMAGE}:${expected.tag}\n` });
    expect(target.builds).toEqual([{ ...expected, buildNumber: 17 }]);
    expect(await target.deployed(IMAGE)).toBe(expected.tag);
  });
});

describe("GitHub Actions (docs/recipes/github-actions.md)", () => {
  interface Step {
    name?: string;
    env?: Record<string, string>;
    run?: string;
  }

  /** `${{ expr }}` as Actions evaluates the few expressions a recipe may use; any other fails the test. */
  function evaluate(text: string): string {
    const context: Record<string, string> = {
      "vars.GITOPS_IMAGE_BOT_URL": target.url,
      "secrets.GITOPS_IMAGE_BOT_BUILD_SECRET": target.secrets.builds,
      "github.repository": "partner/web",
      "github.sha": SHA,
      "github.run_number": "57",
      "github.run_id": "9876543210",
      "github.ref_name": "main",
      "github.server_url": "https://github.com",
      "github.event.repository.default_branch": "main",
    };
    return String(text).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
      const value = context[expression];
      if (value === undefined) throw new Error(`unknown expression \${{ ${expression} }}`);
      return value;
    });
  }

  async function runStep(step: Step) {
    expect(step.run).not.toContain("${{");
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([key, value]) => [key, evaluate(value)]),
    );
    // Ubuntu runners' default shell for `run:`.
    return runScript(["bash", "--noprofile", "--norc", "-eo", "pipefail"], step.run!, env);
  }

  const IMAGE = RECIPE_IMAGES.githubActions;
  const expected = {
    repository: "partner/web",
    sha: SHA,
    image: "ghcr.io/partner/web",
    tag: "57-3f2c1a9",
    branch: "main",
    url: "https://github.com/partner/web/actions/runs/9876543210",
  };

  test("the workflow's step sends a signed build the bot deploys, from a repository the app is not installed on", async () => {
    const workflow = parse(recipe("github-actions.md", "github-actions").text) as {
      jobs: Record<string, { steps: Step[] }>;
    };
    const step = workflow.jobs["build"]!.steps.find((one) => one.name === "Tell gitops-image-bot")!;
    const run = await runStep(step);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      queued: [{ manifests: "acme/manifests", images: [`${IMAGE}:${expected.tag}`] }],
      ignored: [],
    });
    expect(target.builds).toEqual([{ ...expected, defaultBranch: "main", buildNumber: 57 }]);
    expectConfigTakes("github-actions.md", target.builds[0]!);
    expect(await target.deployed(IMAGE)).toBe(expected.tag);
    expect(await target.proposed(IMAGE, "prod")).toEqual([expected.tag]);
  });

  test("with notify-build instead of curl", async () => {
    const { steps } = parse(recipe("github-actions.md", "github-actions-notify-build").text) as {
      steps: Step[];
    };
    const run = await runStep(steps[0]!);
    expect(run).toMatchObject({ code: 0, stdout: `queued for acme/manifests: ${IMAGE}:${expected.tag}\n` });
    expect(target.builds).toEqual([{ ...expected, buildNumber: 57 }]);
    expect(await target.deployed(IMAGE)).toBe(expected.tag);
  });
});

// Harbor's WebhookPolicy and WebhookTargetObject as its API takes them (goharbor/harbor api/v2.0/swagger.yaml).
const harborPolicy = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  enabled: z.boolean(),
  event_types: z.array(z.string()).refine((types) => types.includes("PUSH_ARTIFACT")),
  targets: z
    .array(
      z.strictObject({
        type: z.literal("http"),
        address: z.string().url(),
        auth_header: z.string().optional(),
        skip_cert_verify: z.boolean().optional(),
        payload_format: z.enum(["Default", "CloudEvents"]).optional(),
      }),
    )
    .length(1),
});

/** A PUSH_ARTIFACT of `image:tag` as Harbor formats it (the shapes of Harbor's formats/default_test.go and cloudevents_test.go). */
function harborPush(
  format: "Default" | "CloudEvents",
  image: string,
  tag: string,
): { contentType: string; body: unknown } {
  const [, namespace = "", name = ""] = image.split("/");
  const digest = `sha256:${"d".repeat(64)}`;
  const data = {
    resources: [{ digest, tag, resource_url: `${image}:${tag}` }],
    repository: {
      date_created: 1677053165,
      name,
      namespace,
      repo_full_name: `${namespace}/${name}`,
      repo_type: "private",
    },
  };
  if (format === "Default")
    return {
      contentType: "application/json",
      body: { type: "PUSH_ARTIFACT", occur_at: 1678082303, operator: "jenkins", event_data: data },
    };
  return {
    contentType: "application/cloudevents+json",
    body: {
      specversion: "1.0",
      requestid: "mock-request-id",
      id: "6a3b1c0e-0000-4000-8000-000000000001",
      source: "/projects/1/webhook/policies/3",
      type: "harbor.artifact.pushed",
      datacontenttype: "application/json",
      time: "2023-03-06T06:08:43Z",
      data,
      operator: "jenkins",
    },
  };
}

/** Harbor's API as the recipe calls it: records each request and answers 201 Created. */
async function withHarborApi(
  work: (url: string) => Promise<void>,
): Promise<{ path: string; authorization: string | undefined; type: string | undefined; body: string }[]> {
  const created: {
    path: string;
    authorization: string | undefined;
    type: string | undefined;
    body: string;
  }[] = [];
  const harbor = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      created.push({
        path: `${req.method} ${req.url}`,
        authorization: req.headers.authorization,
        type: req.headers["content-type"],
        body: Buffer.concat(chunks).toString("utf8"),
      });
      res.writeHead(201, { location: "/api/v2.0/projects/shop/webhook/policies/3" }).end();
    });
  });
  await new Promise<void>((resolve) => harbor.listen(0, "127.0.0.1", resolve));
  try {
    await work(`http://127.0.0.1:${(harbor.address() as AddressInfo).port}`);
  } finally {
    await new Promise<void>((resolve) => harbor.close(() => resolve()));
  }
  return created;
}

describe("Harbor (docs/recipes/harbor.md)", () => {
  const IMAGE = RECIPE_IMAGES.harbor;

  // The recipe creates a Default policy and says CloudEvents works as well: Harbor delivers in the format
  // of the policy it took, so each format is the recipe's call with that `payload_format`.
  test.each([
    ["Default", 42],
    ["CloudEvents", 43],
  ] as const)(
    "the API call creates a %s policy Harbor takes, whose push the bot deploys",
    async (format, build) => {
      const text = recipe("harbor.md", "harbor-api").text;
      const edited = text.replace('"payload_format": "Default"', `"payload_format": "${format}"`);
      expect(edited === text).toBe(format === "Default");
      const created = await withHarborApi(async (url) => {
        const run = await runScript(["/bin/sh", "-e"], edited, {
          HARBOR_URL: url,
          HARBOR_USER: "admin",
          HARBOR_PASSWORD: "Harbor12345",
          GITOPS_IMAGE_BOT_URL: target.url,
          HARBOR_WEBHOOK_SECRET: target.secrets.harbor,
        });
        expect(run).toMatchObject({ code: 0, stderr: "" });
      });
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        path: "POST /api/v2.0/projects/shop/webhook/policies",
        authorization: `Basic ${Buffer.from("admin:Harbor12345").toString("base64")}`,
        type: "application/json",
      });
      const policy = harborPolicy.parse(JSON.parse(created[0]!.body));
      const hook = policy.targets[0]!;
      expect(hook.payload_format).toBe(format);

      // Harbor delivers: a POST to the address, the auth header as Authorization, in the policy's format.
      const sha = await target.commit("web");
      const tag = `${build}-${sha.slice(0, 7)}`;
      const push = harborPush(format, IMAGE, tag);
      const answer = await fetch(hook.address, {
        method: "POST",
        headers: {
          "content-type": push.contentType,
          ...(hook.auth_header ? { authorization: hook.auth_header } : {}),
        },
        body: JSON.stringify(push.body),
      });
      expect(answer.status).toBe(202);
      expect(await answer.json()).toEqual({
        pushes: [
          {
            pushed: `${IMAGE}:${tag}`,
            queued: [{ manifests: "acme/manifests", images: [`${IMAGE}:${tag}`] }],
            ignored: [],
          },
        ],
      });
      expect(target.pushes).toEqual([{ registry: "harbor", body: push.body }]);
      expect(await target.deployed(IMAGE)).toBe(tag);
      expect(await target.proposed(IMAGE, "prod")).toEqual([tag]);

      const found = sourceForImage(recipeConfig("harbor.md"), IMAGE);
      expect(found).toMatchObject({ owner: "acme", repo: "web" });
      expect(found?.source.triggers).toContain("registry");
      expect(valuesFromTag(found!.source.tag, tag)).toEqual({ build, sha: sha.slice(0, 7) });
    },
  );

  test("a push of `latest` is answered with the reason and never written", async () => {
    const push = harborPush("Default", IMAGE, "latest");
    const answer = await fetch(`${target.url}/api/registry/harbor`, {
      method: "POST",
      headers: { "content-type": push.contentType, authorization: target.secrets.harbor },
      body: JSON.stringify(push.body),
    });
    expect(answer.status).toBe(202);
    const body = (await answer.json()) as { pushes: { queued: unknown[]; ignored: { reason: string }[] }[] };
    expect(body.pushes[0]!.queued).toEqual([]);
    expect(body.pushes[0]!.ignored[0]!.reason).toContain("latest");
    expect(await target.deployed(IMAGE)).toBe(START.harbor);
    expect(await target.bot.appCommits()).toEqual([]);
  });
});

describe("Docker Hub (docs/recipes/docker-hub.md)", () => {
  const IMAGE = RECIPE_IMAGES.dockerHub;

  /** Docker Hub's push webhook payload (docs.docker.com/docker-hub/repos/manage/webhooks/). */
  const dockerHubPush = (tag: string) => ({
    callback_url: "https://registry.hub.docker.com/u/acme/cart/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/",
    push_data: { pushed_at: 1417566161, pusher: "acme-ci", tag },
    repository: {
      name: "cart",
      namespace: "acme",
      repo_name: "acme/cart",
      repo_url: "https://registry.hub.docker.com/u/acme/cart/",
    },
  });

  async function webhookUrl(secret: string): Promise<string> {
    const run = await runScript(["/bin/sh", "-e"], recipe("docker-hub.md", "dockerhub-url").text, {
      GITOPS_IMAGE_BOT_URL: target.url,
      DOCKERHUB_WEBHOOK_SECRET: secret,
    });
    expect(run.code).toBe(0);
    return run.stdout.trim();
  }

  const deliver = (url: string, body: unknown) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  test("a push to the printed webhook URL, which carries the secret the bot checks, deploys", async () => {
    const sha = await target.commit("cart");
    const tag = `sha-${sha.slice(0, 7)}`;
    const answer = await deliver(await webhookUrl(target.secrets.dockerhub), dockerHubPush(tag));
    expect(answer.status).toBe(202);
    expect(await answer.json()).toEqual({
      pushes: [
        {
          pushed: `${IMAGE}:${tag}`,
          queued: [{ manifests: "acme/manifests", images: [`${IMAGE}:${tag}`] }],
          ignored: [],
        },
      ],
    });
    expect(target.pushes).toEqual([{ registry: "dockerhub", body: dockerHubPush(tag) }]);
    expect(await target.deployed(IMAGE)).toBe(tag);
    expect(await target.proposed(IMAGE, "prod")).toEqual([tag]);
    const found = sourceForImage(recipeConfig("docker-hub.md"), IMAGE);
    expect(found).toMatchObject({ owner: "acme", repo: "cart" });
    expect(valuesFromTag(found!.source.tag, tag)).toEqual({ sha: sha.slice(0, 7) });
  });

  test("the URL printed with another secret is refused (401) and nothing is written", async () => {
    const sha = await target.commit("cart");
    const answer = await deliver(
      await webhookUrl("not-the-bots-secret-0123456789abcdef"),
      dockerHubPush(`sha-${sha.slice(0, 7)}`),
    );
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual({ error: "unauthorized" });
    expect(target.pushes).toEqual([]);
    expect(await target.deployed(IMAGE)).toBe(START.dockerHub);
    expect(await target.bot.appCommits()).toEqual([]);
  });
});

describe("every recipe", () => {
  const TESTED = [
    "jenkins",
    "jenkins-notify-build",
    "gitlab-ci",
    "gitlab-ci-notify-build",
    "github-actions",
    "github-actions-notify-build",
    "harbor-api",
    "dockerhub-url",
  ];

  test("the bot's config is all the recipes' config blocks: each recipe's build is read by its own recipe's source", () => {
    const result = parseConfig(recipesConfigText(), "combined");
    if (!result.ok) throw new Error(result.problems.map((problem) => problem.message).join("\n"));
    const combined = result.config;
    expect(combined.sources).toHaveLength(
      CONFIG_RECIPES.reduce((sum, file) => sum + recipeConfig(file).sources.length, 0),
    );
    const cases = [
      ["jenkins.md", "acme/api", undefined],
      ["gitlab-ci.md", "payments/backend/api", "gitlab.example.com"],
      ["github-actions.md", "partner/web", undefined],
      ["harbor.md", "acme/web", undefined],
      ["docker-hub.md", "acme/cart", undefined],
    ] as const;
    for (const [file, repository, host] of cases) {
      const own = matchSource(recipeConfig(file), repository, host);
      expect(own).toBeDefined();
      expect(matchSource(combined, repository, host)).toEqual(own);
    }
    expect(cases.map(([file]) => file)).toEqual(CONFIG_RECIPES);
  });

  test("each file has one config snippet the app parses with no problem, and no block marked but untested", async () => {
    const files = (await readdir(RECIPES_DIR)).filter((file) => file.endsWith(".md") && file !== "README.md");
    expect(files.sort()).toEqual([
      "docker-hub.md",
      "github-actions.md",
      "gitlab-ci.md",
      "harbor.md",
      "jenkins.md",
    ]);
    for (const file of files) {
      expect(recipeConfig(file).sources.length).toBeGreaterThan(0);
      for (const block of recipeBlocks(file))
        if (block.attrs["recipe"] !== undefined) expect(TESTED).toContain(block.attrs["recipe"]);
    }
  });
});
