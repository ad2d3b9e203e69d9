// Files the core refuses before it walks them: over the size limit, or with aliases that expand too far
// (a "billion laughs"). Each is a refusal with its numbers and a position, never an exception.
import { listImages, MAX_ALIAS_COUNT, MAX_MANIFEST_BYTES, textTooLarge } from "../../src/core/index.js";
import { utf8Length } from "../../src/core/rewrite/file-limits.js";
import { planFile } from "../../src/core/plan/plan-file.js";
import { skipText } from "../../src/core/render/skip-text.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import { rewrite, rewritten } from "../helpers/rewrite.js";

const K = "kustomization.yaml";

/** Nine levels of nine aliases: 9^9 strings once expanded, a few hundred bytes written. */
function aliasBomb(levels = 9): string {
  const names = "abcdefghi".slice(0, levels).split("");
  const lines = [`a: &a [${Array(9).fill('"lol"').join(",")}]`];
  for (let index = 1; index < names.length; index++)
    lines.push(
      `${names[index]}: &${names[index]} [${Array(9)
        .fill(`*${names[index - 1]}`)
        .join(",")}]`,
    );
  return `${lines.join("\n")}\nimages:\n- name: app\n  newTag: v1\n`;
}

/** A kustomization of `entries` images: about 40 bytes each. */
function kustomization(entries: number): string {
  const lines = ["images:"];
  for (let index = 0; index < entries; index++) lines.push(`- name: svc-${index}`, `  newTag: v${index}`);
  return `${lines.join("\n")}\n`;
}

describe("alias bombs are refused, with the alias count, the limit and the first alias's position", () => {
  test("setImages", () => {
    // Refused before anything expands it (9^9 values would take minutes and the whole heap).
    const result = rewrite(K, aliasBomb(), "app:v2");
    expect(result).toEqual({
      ok: false,
      error: {
        reason: "too-many-aliases",
        line: 2,
        column: 8,
        message: expect.stringContaining(
          `the file's 72 YAML aliases expand past the limit of ${MAX_ALIAS_COUNT}`,
        ),
        refusal: { reason: "too-many-aliases", aliases: 72, limit: MAX_ALIAS_COUNT, line: 2, column: 8 },
      },
    });
  });

  test("listImages (what the index screens with)", () => {
    expect(listImages({ path: K, text: aliasBomb() })).toMatchObject({
      ok: false,
      refusal: { reason: "too-many-aliases", aliases: 72 },
    });
  });

  test.each([
    [
      "merge keys used a few times",
      "d: &d {pullPolicy: Always}\na: {<<: *d}\nb: {<<: *d}\nimage:\n  repository: app\n  tag: v1\n",
    ],
    ["nine aliases of one list (81 values) stay within the library's count", aliasBomb(2)],
  ])("%s are written as before", (_name, text) => {
    const path = text.includes("images:") ? K : "values.yaml";
    expect(rewritten(path, text, "app:v2")).toContain("v2");
  });
});

describe("files over the size limit are refused unparsed, with their size", () => {
  test("a kustomization of 20,000 entries (about 1 MB)", () => {
    const text = kustomization(20_000);
    const result = rewrite(K, text, "svc-1:v2");
    expect(result).toEqual({
      ok: false,
      error: {
        reason: "file-too-large",
        line: 1,
        column: 1,
        message: expect.stringMatching(
          /^the file is too large to read: [\d,]+ bytes, over the limit of 262,144/,
        ),
        refusal: { reason: "file-too-large", bytes: text.length, limit: MAX_MANIFEST_BYTES },
      },
    });
  });

  test("the limit is in UTF-8 bytes: exactly the limit is read, one byte more is not", () => {
    const base = kustomization(10);
    const pad = (bytes: number) => `${base}# ${"x".repeat(bytes - base.length - 3)}\n`;
    expect(rewrite(K, pad(MAX_MANIFEST_BYTES), "svc-1:v2").ok).toBe(true);
    expect(rewrite(K, pad(MAX_MANIFEST_BYTES + 1), "svc-1:v2")).toMatchObject({
      ok: false,
      error: { refusal: { bytes: MAX_MANIFEST_BYTES + 1 } },
    });
    // Fewer characters than the limit, more bytes: three bytes per character.
    const wide = `${base}# ${"€".repeat(MAX_MANIFEST_BYTES / 3)}\n`;
    expect(wide.length).toBeLessThan(MAX_MANIFEST_BYTES);
    expect(rewrite(K, wide, "svc-1:v2")).toMatchObject({ ok: false, error: { reason: "file-too-large" } });
  });

  test.each([
    ["", 0],
    ["ascii", 5],
    ["é", 2],
    ["€", 3],
    ["🚀", 4],
    ["\uD800", 3],
    ["a🚀b€", 9],
  ])("utf8Length(%j) is %i, as Buffer.byteLength counts", (text, bytes) => {
    expect(utf8Length(text)).toBe(bytes);
    expect(Buffer.byteLength(text, "utf8")).toBe(bytes);
  });

  test("textTooLarge answers undefined within the limit and the size over it", () => {
    expect(textTooLarge("a".repeat(10), 10)).toBeUndefined();
    expect(textTooLarge("a".repeat(11), 10)).toBe(11);
    expect(textTooLarge("é".repeat(6), 10)).toBe(12);
  });
});

describe("a batch skips such a file with its reason, in words with the numbers", () => {
  const wanted = { image: "app", tag: "v2" } as unknown as Wanted;

  test.each([
    [
      "an alias bomb",
      aliasBomb(),
      { reason: "too-many-aliases", aliases: 72, limit: 100, line: 2, column: 8 },
      'not deployed: the file\'s 72 YAML aliases expand past the limit of 100 (a "billion laughs" file): refusing to read it (write the values out instead of aliasing them) (line 2)',
    ],
    [
      "a file over the limit",
      kustomization(20_000),
      { reason: "file-too-large", bytes: kustomization(20_000).length, limit: MAX_MANIFEST_BYTES },
      `not deployed: the file is too large to read: ${kustomization(20_000).length.toLocaleString("en-US")} bytes, over the limit of 262,144 (split it, or move it out of the environments' paths)`,
    ],
  ])("%s", (_name, text, skip, sentence) => {
    const plan = planFile(K, text, [wanted]);
    expect(plan).toEqual({ ok: false, skip });
    expect(!plan.ok && skipText(plan.skip)).toBe(sentence);
  });
});
