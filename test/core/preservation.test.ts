import { rewrite, rewritten, SHA_A } from "../helpers/rewrite.js";

const K = "kustomization.yaml";

describe("bytes outside the edited values are kept", () => {
  test("CRLF line endings, for replaced, added and removed lines", () => {
    const input = `images:\r\n- name: a\r\n  newTag: v1\r\n  digest: ${SHA_A}\r\n- name: b\r\n  newTag: v1\r\n`;
    const output = rewritten(K, input, "a:v2", "b=ghcr.io/x/b:v3", "c:1");
    expect(output).toBe(
      'images:\r\n- name: a\r\n  newTag: v2\r\n- name: b\r\n  newTag: v3\r\n  newName: ghcr.io/x/b\r\n- name: c\r\n  newTag: "1"\r\n',
    );
    expect(output.replaceAll("\r\n", "")).not.toContain("\n");
  });

  test("a byte-order mark", () => {
    const input = "\uFEFFimages:\n- name: a\n  newTag: v1\n";
    expect(rewritten(K, input, "a:v2")).toBe("\uFEFFimages:\n- name: a\n  newTag: v2\n");
  });

  test.each([
    ["replacing", "images:\n- name: a\n  newTag: v1", ["a:v2"], "images:\n- name: a\n  newTag: v2"],
    [
      "adding a key",
      "images:\n- name: a\n  newName: x",
      ["a:v2"],
      "images:\n- name: a\n  newName: x\n  newTag: v2",
    ],
    [
      "removing the last line",
      `images:\n- name: a\n  newTag: v1\n  digest: ${SHA_A}`,
      ["a:v2"],
      "images:\n- name: a\n  newTag: v2",
    ],
    [
      "adding an entry",
      "resources:\n- a.yaml",
      ["a:v2"],
      "resources:\n- a.yaml\nimages:\n- name: a\n  newTag: v2",
    ],
  ])("a missing final newline stays missing when %s", (_, input, args, expected) => {
    expect(rewritten(K, input, ...args)).toBe(expected);
  });

  test("tabs in comments, odd indentation and blank lines", () => {
    const input = "images:\n\n   -    name: a\t# x\n        newTag: v1\n\n# end\n";
    expect(rewritten(K, input, "a:v2")).toBe(
      "images:\n\n   -    name: a\t# x\n        newTag: v2\n\n# end\n",
    );
  });

  test("running the same edit twice changes nothing and returns the identical text", () => {
    const input = "images:\n- name: a # c\n  newTag: '1'\n";
    const first = rewrite(K, input, "a:1234567", "b=ghcr.io/x/b:0777");
    expect(first.ok && first.changed).toBe(true);
    const text = first.ok ? first.text : "";
    const second = rewrite(K, text, "a:1234567", "b=ghcr.io/x/b:0777");
    expect(second).toEqual({
      ok: true,
      format: "kustomization",
      text,
      changed: false,
      changes: [],
      skips: [],
    });
    expect(second.ok && second.text).toBe(text);
  });
});

describe("bad input", () => {
  test("YAML that does not parse names line and column", () => {
    const result = rewrite(K, "images:\n- name: a\n  newTag: [v1\n", "a:v2");
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ reason: "invalid-yaml", line: 4 }),
    });
  });

  test("a file of no known format", () => {
    const result = rewrite("notes.yaml", "- just\n- a list\n", "a:v2");
    expect(result).toEqual({
      ok: false,
      error: expect.objectContaining({ reason: "unknown-format", line: 1, column: 1 }),
    });
  });

  test("an image whose edit the re-parse cannot verify is skipped; the other images are written", () => {
    // The anchored tag is shared with `also`: replacing its text would change both.
    const input = "images:\n- name: a\n  newTag: &t v1\n- name: b\n  newTag: v1\nalso: *t\n";
    const result = rewrite(K, input, "a:v2", "b:v3");
    expect(result.ok && result.skips).toEqual([
      expect.objectContaining({ reason: "verification-failed", image: "a", line: 3 }),
    ]);
    expect(result.ok && result.text).toBe(input.replace("newTag: v1\nalso", "newTag: v3\nalso"));
  });
});
