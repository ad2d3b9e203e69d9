import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { manifestsRepoFiles, serviceNames, fakeSha } from "../../twin/fixtures/manifests-repo.js";
import { listImages } from "../../src/core/index.js";
import { KUBECTL, kustomizeBuild } from "../helpers/kustomize-oracle.js";

test("service names are distinct for any count", () => {
  expect(new Set(serviceNames(300)).size).toBe(300);
});

(KUBECTL ? test : test.skip)(
  "the fixture renders with kubectl kustomize: each overlay deploys its pinned tag",
  async () => {
    const files = manifestsRepoFiles({ services: 3 });
    expect(files.filter((f) => f.path.endsWith("/kustomization.yaml"))).toHaveLength(3 * 4);
    const dir = await mkdtemp(join(tmpdir(), "fixture-"));
    try {
      for (const file of files) {
        await mkdir(dirname(join(dir, file.path)), { recursive: true });
        await writeFile(join(dir, file.path), file.content);
      }
      const rendered = kustomizeBuild(join(dir, "apps/api/overlays/prod"));
      expect(rendered).toContain(`image: ghcr.io/acme/api:${fakeSha("api@prod")}`);
      expect(rendered).toContain("replicas: 3");
      expect(rendered).toContain("namespace: prod");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

test("the rewriting core finds the image in every overlay", () => {
  for (const file of manifestsRepoFiles({ services: 5 }).filter((f) => f.path.includes("/overlays/"))) {
    const result = listImages({ path: file.path, text: file.content });
    expect(result.ok && result.images).toEqual([expect.stringMatching(/^ghcr\.io\/acme\//)]);
  }
});
