// A `package` event names its image itself (#15, item 5): only the image the source's config names may be
// written, and only a package of the source's own owner counts.
import { parseConfig, type Config } from "../../src/config/index.js";
import { resolveBuild } from "../../src/core/plan/resolve-build.js";
import { buildFromPackage } from "../../src/handlers/build-from-package.js";

const SHA = "a".repeat(40);

function config(image?: string): Config {
  const result = parseConfig(`sources:
  - repositories: ["acme/*"]
    triggers: [package]
    tag: sha-{sha:7}${image ? `\n    image: "${image}"` : ""}
environments:
  dev:
    paths: ["apps/*/dev/**"]
`);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.config;
}

/** A real-shaped `package` published payload of acme/web whose package is called `packageUrl`. */
function payload(packageUrl: string | undefined, namespace = "acme", name = "web"): unknown {
  return {
    action: "published",
    repository: {
      name: "web",
      owner: { login: "Acme" },
      default_branch: "main",
      html_url: "https://github.com/Acme/web",
    },
    package: {
      name,
      namespace,
      package_type: "CONTAINER",
      package_version: {
        html_url: "https://github.com/Acme/web/pkgs/container/web/1",
        ...(packageUrl === undefined ? {} : { package_url: packageUrl }),
        container_metadata: {
          tag: { name: `sha-${SHA.slice(0, 7)}`, digest: `sha256:${"5".repeat(64)}` },
          labels: { revision: SHA },
        },
      },
    },
  };
}

function resolved(packageUrl: string | undefined, image?: string) {
  const parse = buildFromPackage(payload(packageUrl), "delivery-1", 0);
  if (!parse.ok) throw new Error(JSON.stringify(parse));
  return resolveBuild(config(image), parse.build);
}

test("a package of acme/web named ghcr.io/acme/api is ignored: it is not the image acme/web's config names", () => {
  expect(resolved(`ghcr.io/acme/api:sha-${SHA.slice(0, 7)}`)).toEqual({
    ok: false,
    ignored: { reason: "image-not-from-source", image: "ghcr.io/acme/api", expected: "ghcr.io/acme/web" },
  });
  // Nor another registry's image of the same path.
  expect(resolved(`docker.io/acme/web:sha-${SHA.slice(0, 7)}`)).toMatchObject({
    ok: false,
    ignored: { reason: "image-not-from-source" },
  });
});

test("the source's own image is written, whatever its case or spelling", () => {
  for (const url of [
    `ghcr.io/Acme/web:sha-${SHA.slice(0, 7)}`,
    `GHCR.IO/acme/WEB:sha-${SHA.slice(0, 7)}`,
    "ghcr.io/acme/web:",
    undefined,
  ]) {
    const resolution = resolved(url);
    expect(resolution).toMatchObject({ ok: true, wanted: { image: "ghcr.io/acme/web" } });
  }
});

test("a config that names another image for the source accepts that image only", () => {
  const image = "registry.example.com/{owner}/{repo}-server";
  expect(resolved("registry.example.com/acme/web-server:x", image)).toMatchObject({ ok: true });
  expect(resolved("ghcr.io/acme/web:x", image)).toMatchObject({
    ok: false,
    ignored: { reason: "image-not-from-source", expected: "registry.example.com/acme/web-server" },
  });
});

test("a package whose namespace is not the source repository's owner is refused before any config is read", () => {
  const parse = buildFromPackage(payload("ghcr.io/mallory/web:x", "mallory"), "delivery-2", 0);
  expect(parse).toEqual({
    ok: false,
    refused: expect.stringContaining("package of mallory, not of Acme"),
  });
  expect(buildFromPackage(payload("ghcr.io/acme/web:x", "mallory/web"), "delivery-3", 0)).toMatchObject({
    ok: false,
    refused: expect.stringContaining("package of mallory, not of Acme"),
  });
  // The owner's own namespace, in any case and in the older `owner/repository` form, passes.
  expect(buildFromPackage(payload("ghcr.io/acme/web:x", "ACME"), "delivery-4", 0)).toMatchObject({
    ok: true,
  });
  expect(buildFromPackage(payload("ghcr.io/acme/web:x", "Acme/web"), "delivery-5", 0)).toMatchObject({
    ok: true,
  });
});
