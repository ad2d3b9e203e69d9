// What a registry push means per manifests repository before GitHub is asked anything: the source that
// builds the image, its triggers, and what its tag template can read back from the tag.
import { parseConfig } from "../../src/config/index.js";
import type { Build } from "../../src/core/plan/build.js";
import type { RegistryPush } from "../../src/handlers/registry-push.js";
import type { ExternalAnswer } from "../../src/routing/external-builds.js";
import {
  HOST_REASON,
  NO_SHA_REASON,
  RegistryPushes,
  registryBuildId,
} from "../../src/routing/registry-pushes.js";
import type { ManifestsRepo } from "../../src/services/manifests-registry.js";

const ENVIRONMENTS = `environments:
  dev:
    paths: ["apps/**"]
`;

function manifests(sources: string): ManifestsRepo {
  return { owner: "acme", name: "manifests", config: parseConfig(`sources:\n${sources}${ENVIRONMENTS}`) };
}

function pushes(repo: ManifestsRepo): { router: RegistryPushes; routed: Build[]; debug: string[] } {
  const routed: Build[] = [];
  const debug: string[] = [];
  const log = {
    debug: (_: object, message: string) => debug.push(message),
    info() {},
    warn() {},
    error() {},
  };
  const router = new RegistryPushes({
    external: {
      manifests: async () => [{ installationId: 1, repo }],
      route: async (build: Build): Promise<ExternalAnswer> => {
        routed.push(build);
        return { queued: [], ignored: [] };
      },
    },
    auth: async () => {
      throw new Error("GitHub is not asked for these pushes");
    },
    log,
    now: () => 0,
  });
  return { router, routed, debug };
}

const push = (image: string, tag: string): RegistryPush => ({
  registry: "harbor",
  image,
  tag,
  digest: undefined,
  url: undefined,
});

test("a tag the template does not make (latest) is ignored with a debug line and never routed", async () => {
  const { router, routed, debug } = pushes(
    manifests(
      `  - repositories: ["acme/web"]\n    image: harbor.example.com/acme/{repo}\n    tag: sha-{sha:7}\n    triggers: [registry]\n`,
    ),
  );
  const answer = await router.route(push("harbor.example.com/acme/web", "latest"));
  expect(answer.ignored).toEqual([
    {
      manifests: "acme/manifests",
      reason: expect.stringContaining("the tag latest is not one the template"),
    },
  ]);
  expect(routed).toEqual([]);
  expect(debug).toEqual(["registry push ignored: the tag does not follow the source's tag template"]);
});

test("a template without {sha} cannot tell the commit: ignored with the fix", async () => {
  const { router, routed } = pushes(
    manifests(
      `  - repositories: ["acme/web"]\n    image: harbor.example.com/acme/{repo}\n    tag: "{build}"\n    order: build-number\n    triggers: [registry]\n`,
    ),
  );
  const answer = await router.route(push("harbor.example.com/acme/web", "42"));
  expect(answer.ignored).toEqual([{ manifests: "acme/manifests", reason: NO_SHA_REASON }]);
  expect(NO_SHA_REASON).toContain("/api/builds");
  expect(routed).toEqual([]);
});

test("a source that does not take registry pushes says how to turn them on", async () => {
  const { router, routed } = pushes(
    manifests(
      `  - repositories: ["acme/web"]\n    image: harbor.example.com/acme/{repo}\n    tag: sha-{sha:7}\n`,
    ),
  );
  const answer = await router.route(push("harbor.example.com/acme/web", "sha-1a2b3c4"));
  expect(answer.ignored).toEqual([
    {
      manifests: "acme/manifests",
      reason: expect.stringContaining("add `registry` to the source's `triggers`"),
    },
  ]);
  expect(routed).toEqual([]);
});

test("a source not on GitHub: the push cannot name a branch, use /api/builds", async () => {
  const { router, routed } = pushes(
    manifests(
      `  - repositories: ["payments/backend/*"]\n    host: gitlab.example.com\n    image: registry.example.com/{owner}/{repo}\n    tag: "{build}-{sha:7}"\n    order: build-number\n    triggers: [registry]\n`,
    ),
  );
  const answer = await router.route(push("registry.example.com/payments/backend/api", "41-1a2b3c4"));
  expect(answer.ignored).toEqual([{ manifests: "acme/manifests", reason: HOST_REASON }]);
  expect(routed).toEqual([]);
});

test("a source not on GitHub whose path is owner/name: the same, and GitHub is asked nothing about it", async () => {
  const { router, routed } = pushes(
    manifests(
      `  - repositories: ["payments/*"]\n    host: gitlab.example.com\n    image: registry.example.com/{owner}/{repo}\n    tag: "{build}-{sha:7}"\n    order: build-number\n    triggers: [registry]\n`,
    ),
  );
  const answer = await router.route(push("registry.example.com/payments/api", "41-1a2b3c4"));
  expect(answer.ignored).toEqual([{ manifests: "acme/manifests", reason: HOST_REASON }]);
  expect(routed).toEqual([]);
});

test("an image no source builds is unrouted", async () => {
  const { router } = pushes(
    manifests(
      `  - repositories: ["acme/web"]\n    image: harbor.example.com/acme/{repo}\n    triggers: [registry]\n`,
    ),
  );
  expect(await router.route(push("harbor.example.com/other/thing", "sha-1a2b3c4"))).toEqual({
    pushed: "harbor.example.com/other/thing:sha-1a2b3c4",
    queued: [],
    ignored: [],
    unrouted: "no manifests repository's sources build harbor.example.com/other/thing",
  });
});

test("the build id is the same for the same image, tag and digest, and differs otherwise", () => {
  const one = push("harbor.example.com/acme/web", "sha-1a2b3c4");
  expect(registryBuildId(one)).toBe(registryBuildId({ ...one, registry: "quay" }));
  expect(registryBuildId(one)).toMatch(/^registry:[0-9a-f]{64}$/);
  expect(registryBuildId(one)).not.toBe(registryBuildId({ ...one, digest: `sha256:${"a".repeat(64)}` }));
  expect(registryBuildId(one)).not.toBe(registryBuildId({ ...one, tag: "sha-1a2b3c5" }));
});
