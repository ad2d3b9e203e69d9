// The benchmark's peers (bench/peers/) do the work they stand for: real git against git http-backend,
// the tag lands in the bare repository, a push rejected because someone pushed in between is retried.
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { manifestsRepoFiles } from "../../twin/fixtures/manifests-repo.js";
import { runCiStep } from "../../bench/peers/ci-step.js";
import { startControllerPeer } from "../../bench/peers/controller.js";
import { commitElsewhere, createBareRepo, fileAt, mustGit } from "../../bench/peers/git.js";
import {
  startGitHttpServer,
  type GitHttpServer,
  type GitRequestKind,
} from "../../bench/peers/git-http-server.js";

const ENVIRONMENTS = ["dev", "qa", "prod"] as const;
const TAG = "0123456789abcdef0123456789abcdef01234567";
const overlay = (service: string, env: string) => `apps/${service}/overlays/${env}/kustomization.yaml`;

let root: string;
let bare: string;
let server: GitHttpServer;
/** Set by a test: runs before each request the server serves. */
let beforeRequest: ((kind: GitRequestKind) => Promise<void>) | undefined;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "bench-peers-"));
  bare = await createBareRepo(root, "manifests", manifestsRepoFiles({ services: 3 }));
  beforeRequest = undefined;
  server = await startGitHttpServer({
    root,
    latencyMs: 0,
    beforeRequest: (kind) => beforeRequest?.(kind),
  });
});

afterEach(async () => {
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const url = () => `${server.url}/manifests.git`;
const tagIn = async (service: string, env: string) =>
  /newTag: "([^"]*)"/.exec((await fileAt(bare, "main", overlay(service, env))) ?? "")?.[1];

/** Someone else pushes to main before each of the first `times` push advertisements. */
function someonePushesFirst(times: number): void {
  let pushed = 0;
  beforeRequest = async (kind) => {
    if (kind !== "info/refs receive-pack" || pushed >= times) return;
    pushed += 1;
    await commitElsewhere(bare, `notes/other-${pushed}.txt`, `someone else, ${pushed}\n`);
  };
}

describe("the CI-step peer (clone --depth 1, sed, commit, push)", () => {
  it("lands the new tag in each overlay of the service and nowhere else", async () => {
    const result = await runCiStep(url(), "api", TAG);

    expect(result.retries).toBe(0);
    for (const env of ENVIRONMENTS) {
      expect(await tagIn("api", env)).toBe(TAG);
      expect(await tagIn("web", env)).not.toBe(TAG);
    }
    expect(await mustGit(bare, ["log", "-1", "--format=%s", "main"])).toBe(`deploy api ${TAG}\n`);
  });

  it("retries a push rejected because someone pushed in between, keeping their commit", async () => {
    someonePushesFirst(2);

    const result = await runCiStep(url(), "api", TAG);

    expect(result.retries).toBe(2);
    for (const env of ENVIRONMENTS) expect(await tagIn("api", env)).toBe(TAG);
    expect(await fileAt(bare, "main", "notes/other-1.txt")).toBe("someone else, 1\n");
    expect(await fileAt(bare, "main", "notes/other-2.txt")).toBe("someone else, 2\n");
  });

  it("gives up after three retries", async () => {
    someonePushesFirst(4);

    await expect(runCiStep(url(), "api", TAG)).rejects.toThrow(/push rejected 4 times/);
    expect(server.requests.get("info/refs receive-pack")).toBe(4);
    for (const env of ENVIRONMENTS) expect(await tagIn("api", env)).not.toBe(TAG);
  });
});

describe("the controller peer (fetch, edit, commit, push per application)", () => {
  it("writes each application (overlay) of the service in a commit of its own", async () => {
    const controller = await startControllerPeer(url());
    try {
      const result = await controller.update("api", ENVIRONMENTS, TAG);

      expect(result.retries).toBe(0);
      for (const env of ENVIRONMENTS) expect(await tagIn("api", env)).toBe(TAG);
      const subjects = await mustGit(bare, ["log", "-3", "--format=%s", "main"]);
      expect(subjects.trim().split("\n").reverse()).toEqual(
        ENVIRONMENTS.map((env) => `build: automatic update of api-${env}`),
      );
    } finally {
      await controller.close();
    }
  });

  it("fetches what others pushed meanwhile and retries a rejected push", async () => {
    const controller = await startControllerPeer(url());
    try {
      someonePushesFirst(1);

      const result = await controller.update("api", ENVIRONMENTS, TAG);

      expect(result.retries).toBe(1);
      for (const env of ENVIRONMENTS) expect(await tagIn("api", env)).toBe(TAG);
      expect(await fileAt(bare, "main", "notes/other-1.txt")).toBe("someone else, 1\n");
    } finally {
      await controller.close();
    }
  });
});
