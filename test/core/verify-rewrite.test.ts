import { applyEdits, type TextEdit } from "../../src/core/rewrite/text-edit.js";
import type { Change } from "../../src/core/rewrite/rewrite-types.js";
import { verifyRewrite } from "../../src/core/rewrite/verify-rewrite.js";
import { parseYamlFile } from "../../src/core/rewrite/yaml-file.js";

/** Applies hand-made (possibly wrong) edits and asks the verifier about them. */
function verdict(
  text: string,
  edit: TextEdit | TextEdit[],
  change: Partial<Change> | Partial<Change>[],
): string | undefined {
  const parsed = parseYamlFile("f.yaml", text);
  if (!parsed.ok) throw new Error(parsed.message);
  const edits = Array.isArray(edit) ? edit : [edit];
  const changes = (Array.isArray(change) ? change : [change]).map((c): Change => ({
    image: "a",
    field: "newTag",
    docIndex: 0,
    path: [],
    line: 1,
    ...c,
  }));
  return verifyRewrite(parsed.file, applyEdits(text, edits), edits, changes);
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

describe("scoped verification holes found by review are closed", () => {
  const T = "a: 1\nb: 2\nc: 3\n";
  const a = { path: ["a"], to: "x" };
  test.each<[string, string, TextEdit[], Partial<Change>[]]>([
    ["an edit running past the region end", T, [{ start: 3, end: 9, text: "x" }], [a]],
    ["an edit ending at the next key, joining its line", T, [{ start: 3, end: 5, text: "x" }], [a]],
    ["an edit ending at the next key, indenting it", T, [{ start: 3, end: 5, text: "x\n " }], [a]],
    ["an edit ending at the next key, with a tab", T, [{ start: 3, end: 5, text: "x\n\t" }], [a]],
    [
      "an insertion at the next key's start",
      T,
      [
        { start: 3, end: 4, text: "x" },
        { start: 5, end: 5, text: "  " },
      ],
      [a],
    ],
    ["a document end marker inserted", T, [{ start: 3, end: 5, text: "x\n...\n" }], [a]],
    [
      "a root tag the region would not see",
      "--- !!set\na:\nb:\n",
      [{ start: 15, end: 15, text: " x" }],
      [{ path: ["b"], to: "x" }],
    ],
    [
      "an edit after the document's end",
      "a: 1\n...\n# c\n",
      [
        { start: 3, end: 4, text: "x" },
        { start: 9, end: 12, text: "b: [" },
      ],
      [a],
    ],
    ["a planned removal outside the region", T, [{ start: 3, end: 4, text: "x" }], [a, { path: ["c"] }]],
    ["two documents joined into one", "a: 1\n...\nb: 2\n", [{ start: 3, end: 6, text: "x\n#" }], [a]],
    [
      "a directive inserted before an unedited document",
      "a: 1\n---\nb: 0o17\n",
      [{ start: 3, end: 4, text: "x\n...\n%YAML 1.1" }],
      [a],
    ],
  ])("%s", (_, text, edits, changes) => {
    expect(verdict(text, edits, changes)).toBeDefined();
  });
});
