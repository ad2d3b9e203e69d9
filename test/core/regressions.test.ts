// Cases found by review, each reproduced before it was fixed.
import { needsQuotes } from "../../src/core/index.js";
import { rewrite, rewritten, SHA_A, SHA_B } from "../helpers/rewrite.js";

const K = "kustomization.yaml";

test.each(["0_x1F", "0__x1", "0_b1", "0_o7", "1_0e1_0", "0x_1p1"])(
  "Go drops underscores before reading numbers, so %j is quoted",
  (tag) => expect(needsQuotes(tag)).toBe(true),
);

describe("two requested images that resolve to the same value are a clear error, not a crash", () => {
  test.each([
    [
      "manifests",
      "pod.yaml",
      "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:1.0\n",
      ["nginx:1.1", "docker.io/library/nginx:1.2"],
    ],
    [
      "Helm values",
      "values.yaml",
      'image:\n  repository: nginx\n  tag: "1.0"\n',
      ["nginx:1.1", "docker.io/nginx:1.2"],
    ],
    [
      "kustomization",
      K,
      "images:\n- name: nginx\n  newName: ghcr.io/x/nginx\n",
      ["nginx:1.1", "ghcr.io/x/nginx:1.2"],
    ],
  ])("%s", (_, path, text, args) => {
    const result = rewrite(path, text, ...args);
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ reason: "conflicting-updates" }) });
    expect(!result.ok && result.error.message).toContain("give each image once");
  });
});

test("a byte-order mark is not indentation when a key or an images: list is added", () => {
  const input =
    "\uFEFFapiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- d.yaml\n";
  expect(rewritten(K, input, "nginx:1.2")).toBe(`${input}images:\n- name: nginx\n  newTag: "1.2"\n`);
  const values = "\uFEFFrepository: ghcr.io/x/app\npullPolicy: Always\n";
  expect(rewritten("values.yaml", values, "ghcr.io/x/app:v2")).toBe(`${values}tag: v2\n`);
});

test.each(["~", "null", "Null"])("images: %s is replaced by the list", (word) => {
  const input = `resources:\n- d.yaml\nimages: ${word}\n`;
  expect(rewritten(K, input, "nginx:1.2")).toBe(
    'resources:\n- d.yaml\nimages:\n- name: nginx\n  newTag: "1.2"\n',
  );
});

test("a multi-line flow list as the last key ends at its bracket", () => {
  const input = "resources: [\n  d.yaml\n]\n";
  expect(rewritten(K, input, "nginx:v2")).toBe(`${input}images:\n- name: nginx\n  newTag: v2\n`);
});

test.each([
  [
    "pod.yaml",
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx:2\n",
    "nginx=ghcr.io/x/nginx:3",
  ],
  [
    "values.yaml",
    "image:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: a\n",
    "bitnami/nginx=ghcr.io/x/nginx:2",
  ],
])("a rename applied twice is up to date the second time (%s)", (path, text, arg) => {
  const once = rewritten(path, text, arg);
  expect(once).not.toBe(text);
  expect(rewrite(path, once, arg)).toEqual(
    expect.objectContaining({ ok: true, changed: false, skips: [], text: once }),
  );
});

test("mixed line endings: removing a last line without a break takes the previous line's own break", () => {
  const input = `# c\r\nimages:\n- name: nginx\n  newTag: v10\n  digest: ${SHA_A}`;
  expect(rewritten(K, input, "nginx:v10")).toBe("# c\r\nimages:\n- name: nginx\n  newTag: v10");
});

test("a new tag in an ingress-nginx block clears digest and digestChroot", () => {
  const input = `image:\n  registry: registry.k8s.io\n  image: ingress-nginx/controller\n  tag: "v1.9.4"\n  digest: ${SHA_A}\n  digestChroot: ${SHA_B}\n`;
  expect(rewritten("values.yaml", input, "registry.k8s.io/ingress-nginx/controller:v1.9.5")).toBe(
    'image:\n  registry: registry.k8s.io\n  image: ingress-nginx/controller\n  tag: "v1.9.5"\n  digest: ""\n  digestChroot: ""\n',
  );
});
