import { rewrite, rewritten, SHA_A, SHA_B } from "../helpers/rewrite.js";

const V = "values.yaml";
const lines = (...rows: string[]) => rows.join("\n") + "\n";

describe("Helm values", () => {
  test.each<[string, string, string[], string]>([
    [
      "repository + tag block",
      lines("image:", "  repository: ghcr.io/acme/app", '  tag: "0.2.21"', "  pullPolicy: IfNotPresent"),
      ["ghcr.io/acme/app:0.2.22"],
      lines("image:", "  repository: ghcr.io/acme/app", '  tag: "0.2.22"', "  pullPolicy: IfNotPresent"),
    ],
    [
      "registry + repository, matched by the full name, numeric tag quoted, stale digest cleared",
      lines(
        "image:",
        "  registry: docker.io",
        "  repository: bitnami/nginx",
        "  tag: 1.25 # pin",
        `  digest: "${SHA_A}"`,
      ),
      ["docker.io/bitnami/nginx:1.26"],
      lines(
        "image:",
        "  registry: docker.io",
        "  repository: bitnami/nginx",
        '  tag: "1.26" # pin',
        '  digest: ""',
      ),
    ],
    [
      "Docker Hub names match in any spelling",
      lines("image:", "  registry: docker.io", "  repository: bitnami/nginx", "  tag: a"),
      ["bitnami/nginx:b"],
      lines("image:", "  registry: docker.io", "  repository: bitnami/nginx", "  tag: b"),
    ],
    [
      "ingress-nginx style {registry, image, tag, digest}",
      lines(
        "controller:",
        "  image:",
        "    registry: registry.k8s.io",
        "    image: ingress-nginx/controller",
        '    tag: "v1.9.4"',
        "    digest: sha256:" + "c".repeat(64),
      ),
      [`registry.k8s.io/ingress-nginx/controller:v1.9.5@${SHA_B}`],
      lines(
        "controller:",
        "  image:",
        "    registry: registry.k8s.io",
        "    image: ingress-nginx/controller",
        '    tag: "v1.9.5"',
        `    digest: ${SHA_B}`,
      ),
    ],
    [
      "empty tag (chart default) filled in",
      lines("image:", "  repository: ghcr.io/acme/app", '  tag: ""'),
      ["ghcr.io/acme/app:1234567"],
      lines("image:", "  repository: ghcr.io/acme/app", '  tag: "1234567"'),
    ],
    [
      "missing tag key added to the block",
      lines("image:", "  repository: ghcr.io/acme/app", "  pullPolicy: Always"),
      ["ghcr.io/acme/app:v2"],
      lines("image:", "  repository: ghcr.io/acme/app", "  pullPolicy: Always", "  tag: v2"),
    ],
    [
      "per-component images, nested, plus image strings",
      lines(
        "api:",
        "  image:",
        "    repository: ghcr.io/acme/app",
        "    tag: v1",
        "worker:",
        "  image: ghcr.io/acme/app:v1",
        "  initImage: busybox:1.36",
      ),
      ["ghcr.io/acme/app:v2"],
      lines(
        "api:",
        "  image:",
        "    repository: ghcr.io/acme/app",
        "    tag: v2",
        "worker:",
        "  image: ghcr.io/acme/app:v2",
        "  initImage: busybox:1.36",
      ),
    ],
    [
      "image strings in lists",
      lines("sidecars:", "  - name: proxy", "    image: 'envoyproxy/envoy:v1.28.0'"),
      ["envoyproxy/envoy:v1.29.0"],
      lines("sidecars:", "  - name: proxy", "    image: 'envoyproxy/envoy:v1.29.0'"),
    ],
    [
      "a new repository split into registry and repository",
      lines("image:", "  registry: docker.io", "  repository: bitnami/nginx", "  tag: a"),
      ["docker.io/bitnami/nginx=ghcr.io/acme/nginx:b"],
      lines("image:", "  registry: ghcr.io", "  repository: acme/nginx", "  tag: b"),
    ],
  ])("%s", (_, input, args, expected) => {
    expect(rewritten(V, input, ...args)).toBe(expected);
  });

  test("NAME:* keeps the tag and clears a stale digest, as in a kustomization", () => {
    const input = lines(
      "image:",
      "  repository: a",
      "  tag: v1",
      `  digest: ${SHA_A}`,
      "sideImage: a:v1@" + SHA_A,
    );
    expect(rewritten(V, input, "a:*")).toBe(
      lines("image:", "  repository: a", "  tag: v1", '  digest: ""', "sideImage: a:v1"),
    );
  });

  test("an image the file does not reference is a not-referenced skip", () => {
    const result = rewrite(V, lines("image:", "  repository: a", "  tag: b"), "c:d");
    expect(result.ok && result.skips).toEqual([
      { reason: "not-referenced", image: "c", message: "c is not referenced in values.yaml" },
    ]);
  });

  test("a digest for a block without a digest: key is a skip, not a silent no-op", () => {
    const result = rewrite(V, lines("image:", "  repository: a", "  tag: b"), `a@${SHA_A}`);
    expect(result.ok && result.skips).toEqual([
      expect.objectContaining({ reason: "digest-not-supported", line: 2 }),
    ]);
    expect(result.ok && result.changed).toBe(false);
  });

  test("an image is written everywhere or nowhere: a digest one block cannot take leaves its image strings alone too", () => {
    const input = lines("image:", "  repository: a", "  tag: v1", "worker:", "  image: a:v1");
    const result = rewrite(V, input, `a@${SHA_A}`, "b:2");
    expect(result.ok && result.skips.map((skip) => [skip.reason, skip.image])).toEqual([
      ["digest-not-supported", "a"],
      ["not-referenced", "b"],
    ]);
    expect(result.ok && result.text).toBe(input);
  });

  test("an aliased tag is refused rather than changing every alias", () => {
    const input = lines("common: &tag v1", "image:", "  repository: a", "  tag: *tag");
    const result = rewrite(V, input, "a:v2");
    expect(result.ok && result.skips).toEqual([
      expect.objectContaining({ reason: "unsupported-yaml", line: 4 }),
    ]);
  });

  test("the repository key alone is not an image string", () => {
    const result = rewrite(V, lines("repository: a", "other:", "  image: b:1"), "b:2");
    expect(result.ok && result.text).toBe(lines("repository: a", "other:", "  image: b:2"));
  });
});
