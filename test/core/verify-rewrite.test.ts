import { applyEdits, type TextEdit } from "../../src/core/rewrite/text-edit.js";
import type { Change } from "../../src/core/rewrite/rewrite-types.js";
import { verifyRewrite } from "../../src/core/rewrite/verify-rewrite.js";
import { parseYamlFile } from "../../src/core/rewrite/yaml-file.js";

/** Applies a hand-made (possibly wrong) edit and asks the verifier about it. */
function verdict(text: string, edit: TextEdit, change: Partial<Change>): string | undefined {
  const parsed = parseYamlFile("f.yaml", text);
  if (!parsed.ok) throw new Error(parsed.message);
  const full: Change = { image: "a", field: "newTag", docIndex: 0, path: [], line: 1, ...change };
  return verifyRewrite(parsed.file, applyEdits(text, [edit]), [edit], [full]);
}

const K = "resources:\n- d.yaml\nimages:\n- name: a\n  newTag: v1\nnamespace: x\n";
const at = (text: string, needle: string) => text.indexOf(needle);

describe("verifyRewrite refuses edits that change more than planned", () => {
  const path = ["images", 0, "newTag"];
  const tagStart = at(K, "v1");

  test("accepts the planned edit (single document, root-key region)", () => {
    expect(
      verdict(K, { start: tagStart, end: tagStart + 2, text: "v2" }, { path, to: "v2" }),
    ).toBeUndefined();
  });

  test.each<[string, TextEdit, string]>([
    [
      "an extra key smuggled in",
      { start: tagStart, end: tagStart + 2, text: "v2\n  newName: b" },
      "more than the planned",
    ],
    ["text that does not parse", { start: tagStart, end: tagStart + 2, text: "[v2" }, "does not parse"],
    [
      "a value that is not the planned one",
      { start: tagStart, end: tagStart + 2, text: "v3" },
      "more than the planned",
    ],
    [
      "a plain value YAML 1.1 reads as a number",
      { start: tagStart, end: tagStart + 2, text: "0777" },
      "more than the planned",
    ],
  ])("single document: %s", (_, edit, message) => {
    expect(verdict(K, edit, { path, to: "v2" })).toContain(message);
  });

  test("a plain numeric value planned as a string is refused", () => {
    const edit = { start: tagStart, end: tagStart + 2, text: "1234567" };
    expect(verdict(K, edit, { path, to: "1234567" })).toContain("more than the planned");
  });

  test("a duplicate root key added in the region is refused", () => {
    const end = K.length;
    const edit = { start: end, end, text: "resources: []\n" };
    expect(verdict(K, edit, { path: ["other"], to: "x" })).toBeDefined();
  });

  const M =
    "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: a:1\n---\napiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: b:1\n";
  test("multi-document: only the edited document is re-parsed, and a bad edit there is caught", () => {
    const start = at(M, "b:1");
    const mpath = ["spec", "containers", 0, "image"];
    expect(
      verdict(M, { start, end: start + 3, text: "b:2" }, { docIndex: 1, path: mpath, to: "b:2" }),
    ).toBeUndefined();
    expect(
      verdict(
        M,
        { start, end: start + 3, text: "b:2\n    name: x" },
        { docIndex: 1, path: mpath, to: "b:2" },
      ),
    ).toContain("more than the planned values in document 2");
  });
});
