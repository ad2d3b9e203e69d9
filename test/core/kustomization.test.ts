import { rewrite, rewritten, SHA_A, SHA_B } from "../helpers/rewrite.js";

const K = "kustomization.yaml";
const lines = (...rows: string[]) => rows.join("\n") + "\n";

describe("kustomization: existing entries", () => {
  test.each<[string, string, string[], string]>([
    [
      "changes only the tag, keeping comments and newName",
      lines(
        "# top",
        "images:",
        "- name: app # the api",
        "  newName: ghcr.io/acme/app",
        "  newTag: v1 # pinned",
      ),
      ["app:v2"],
      lines(
        "# top",
        "images:",
        "- name: app # the api",
        "  newName: ghcr.io/acme/app",
        "  newTag: v2 # pinned",
      ),
    ],
    [
      "quotes an all-digit short SHA",
      lines("images:", "  - name: app", "    newTag: abc1234"),
      ["app:1234567"],
      lines("images:", "  - name: app", '    newTag: "1234567"'),
    ],
    [
      "keeps single quotes",
      lines("images:", "- name: app", "  newTag: 'v1'"),
      ["app:0777"],
      lines("images:", "- name: app", "  newTag: '0777'"),
    ],
    [
      "rewrites an unquoted numeric tag with quotes even when the text is the same",
      lines("images:", "- name: app", "  newTag: 1.10"),
      ["app:1.10"],
      lines("images:", "- name: app", '  newTag: "1.10"'),
    ],
    [
      "any key order; adds newTag after the last key",
      lines("images:", "- newName: ghcr.io/acme/app", "  name: app"),
      ["app:v2"],
      lines("images:", "- newName: ghcr.io/acme/app", "  name: app", "  newTag: v2"),
    ],
    [
      "removes a stale digest when only a tag is set",
      lines("images:", "- name: app", "  newTag: v1", `  digest: ${SHA_A}`, "- name: other", "  newTag: x"),
      ["app:v2"],
      lines("images:", "- name: app", "  newTag: v2", "- name: other", "  newTag: x"),
    ],
    [
      "removes a stale digest that is the first key of the entry",
      lines("images:", `- digest: ${SHA_A}`, "  name: app", "  newTag: v1"),
      ["app:v2"],
      lines("images:", "- name: app", "  newTag: v2"),
    ],
    [
      "sets tag and digest together",
      lines("images:", "- name: app", "  newTag: v1"),
      [`app:v2@${SHA_B}`],
      lines("images:", "- name: app", "  newTag: v2", `  digest: ${SHA_B}`),
    ],
    [
      "a digest alone replaces the tag (kustomize semantics)",
      lines("images:", "- name: app", "  newTag: v1"),
      [`app@${SHA_B}`],
      lines("images:", "- name: app", `  digest: ${SHA_B}`),
    ],
    [
      "* keeps the tag while setting a digest",
      lines("images:", "- name: app", "  newTag: v1"),
      [`app:*@${SHA_B}`],
      lines("images:", "- name: app", "  newTag: v1", `  digest: ${SHA_B}`),
    ],
    [
      "NAME=NEWNAME:TAG sets both",
      lines("images:", "- name: app", "  newTag: v1"),
      ["app=registry.example.com:5000/team/app:v9"],
      lines("images:", "- name: app", "  newTag: v9", "  newName: registry.example.com:5000/team/app"),
    ],
    [
      "NAME=*:TAG keeps newName",
      lines("images:", "- name: app", "  newName: ghcr.io/acme/app", "  newTag: v1"),
      ["app=*:v2"],
      lines("images:", "- name: app", "  newName: ghcr.io/acme/app", "  newTag: v2"),
    ],
    [
      "NAME=NEWNAME without a tag removes the tag, as kustomize does",
      lines("images:", "- name: app", "  newTag: v1"),
      ["app=ghcr.io/acme/app"],
      lines("images:", "- name: app", "  newName: ghcr.io/acme/app"),
    ],
    [
      "matches by newName when no entry has that name",
      lines("images:", "- name: app", "  newName: ghcr.io/acme/app", "  newTag: v1"),
      ["ghcr.io/acme/app:v2"],
      lines("images:", "- name: app", "  newName: ghcr.io/acme/app", "  newTag: v2"),
    ],
    [
      "fills an empty value",
      lines("images:", "- name: app", "  newTag:", "  newName: x"),
      ["app:v2"],
      lines("images:", "- name: app", "  newTag: v2", "  newName: x"),
    ],
    [
      "fills an empty value followed by a comment",
      lines("images:", "- name: app", "  newTag: # set by CI"),
      ["app:v2"],
      lines("images:", "- name: app", "  newTag: v2 # set by CI"),
    ],
    [
      "a Flux image-policy marker survives",
      lines("images:", '  - name: "qcon-api"', '    newTag: "2.18" # {"$imagepolicy": "qcon:policy:tag"}'),
      ["qcon-api:2.19"],
      lines("images:", '  - name: "qcon-api"', '    newTag: "2.19" # {"$imagepolicy": "qcon:policy:tag"}'),
    ],
    [
      "kind: Component in a differently named file",
      lines(
        "apiVersion: kustomize.config.k8s.io/v1alpha1",
        "kind: Component",
        "images:",
        "- name: app",
        "  newTag: v1",
      ),
      ["app:v2"],
      lines(
        "apiVersion: kustomize.config.k8s.io/v1alpha1",
        "kind: Component",
        "images:",
        "- name: app",
        "  newTag: v2",
      ),
    ],
  ])("%s", (_, input, args, expected) => {
    const path = input.includes("kind: Component") ? "component.yaml" : K;
    expect(rewritten(path, input, ...args)).toBe(expected);
  });

  test("updates several images in one pass and reports each change", () => {
    const input = lines("images:", "- name: a", "  newTag: '1'", "- name: b", "  newTag: '1'");
    const result = rewrite(K, input, "a:2", "b:3");
    expect(result.ok && result.text).toBe(
      lines("images:", "- name: a", "  newTag: '2'", "- name: b", "  newTag: '3'"),
    );
    expect(result.ok && result.changes.map((c) => [c.image, c.field, c.from, c.to, c.line])).toEqual([
      ["a", "newTag", "1", "2", 3],
      ["b", "newTag", "1", "3", 5],
    ]);
  });

  test("a later argument for the same name wins, as in kustomize", () => {
    const input = lines("images:", "- name: a", "  newTag: x");
    expect(rewritten(K, input, "a:1.0.0", "a:2.0.0")).toBe(lines("images:", "- name: a", "  newTag: 2.0.0"));
  });
});

describe("kustomization: absent entries are added", () => {
  test.each<[string, string, string[], string]>([
    [
      "appended to an indented list",
      lines("images:", "  - name: a", "    newTag: x", "resources:", "  - d.yaml"),
      ["b:1234567"],
      lines(
        "images:",
        "  - name: a",
        "    newTag: x",
        "  - name: b",
        '    newTag: "1234567"',
        "resources:",
        "  - d.yaml",
      ),
    ],
    [
      "a new images: key following the file's list style",
      lines("resources:", "  - d.yaml"),
      ["app=ghcr.io/acme/app:v1"],
      lines(
        "resources:",
        "  - d.yaml",
        "images:",
        "  - name: app",
        "    newName: ghcr.io/acme/app",
        "    newTag: v1",
      ),
    ],
    [
      "after a nested last key",
      lines("resources:", "- d.yaml", "patches:", "- target:", "    kind: Deployment", "  path: p.yaml"),
      ["app:v1"],
      lines(
        "resources:",
        "- d.yaml",
        "patches:",
        "- target:",
        "    kind: Deployment",
        "  path: p.yaml",
        "images:",
        "- name: app",
        "  newTag: v1",
      ),
    ],
    [
      "into images: []",
      lines("images: []", "resources: []"),
      ["app:v1"],
      lines("images:", "- name: app", "  newTag: v1", "resources: []"),
    ],
    [
      "into an empty images:",
      lines("images:", "resources: []"),
      ["app:v1"],
      lines("images:", "- name: app", "  newTag: v1", "resources: []"),
    ],
    ["into an empty file", "", ["app:v1"], lines("images:", "- name: app", "  newTag: v1")],
  ])("%s", (_, input, args, expected) => {
    expect(rewritten(K, input, ...args)).toBe(expected);
  });

  test("a flow-style images list is refused as a skip, with the line", () => {
    const result = rewrite(K, lines("resources: []", "images: [{name: a, newTag: x}]"), "b:1");
    expect(result.ok && result.skips).toEqual([
      expect.objectContaining({ reason: "unsupported-yaml", image: "b", line: 2 }),
    ]);
    expect(result.ok && result.changed).toBe(false);
  });
});

describe("kustomization detection without the usual file name", () => {
  test.each([
    ["an images: list of kustomize entries", "images:\n- name: app\n  newTag: v1\n", "kustomization"],
    ["resources: as a list of paths", "resources:\n- ../../base\n", "kustomization"],
    [
      "Helm values with resources: as a mapping",
      "resources:\n  limits:\n    cpu: 1\nimage:\n  repository: app\n",
      "helm-values",
    ],
    [
      "Helm values with an images: mapping",
      "images:\n  api:\n    repository: app\n    tag: v1\n",
      "helm-values",
    ],
  ])("%s", (_, text, format) => {
    const result = rewrite("overlay.yaml", text, "app:v2");
    expect(result.ok && result.format).toBe(format);
  });
});
