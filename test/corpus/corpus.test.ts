import { readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { diffLines } from "diff";
import { isMap, isSeq, parseDocument, type Pair } from "yaml";
import { listImages, parseImageRef, setImages, type SetImagesResult } from "../../src/core/index.js";
import { contentEnd } from "../../src/core/rewrite/content-end.js";
import { nextLineStart } from "../../src/core/rewrite/yaml-file.js";
import { CORPUS_ROOT, corpusFiles, type CorpusFile } from "../helpers/corpus-files.js";
import { KUBECTL, renderImages } from "../helpers/kustomize-oracle.js";

// Tags chosen to trip naive writers: all digits, leading zero, float and boolean look-alikes.
const TAGS = ["1234567", "0123456", "1e10", "true", "abc1234", "v2.0.0-rc.1", "0777"];
const files = corpusFiles();

/** Files that name no image literally: the chart composes it, so there is nothing to edit. */
const NO_LITERAL_IMAGE: Readonly<Record<string, string>> = {
  "cert-manager/cert-manager/deploy/charts/cert-manager/values.yaml":
    'images are composed from imageRegistry + imageNamespace + image.name, with repository: ""',
};
const withoutLiteralImage = (file: CorpusFile) =>
  Object.keys(NO_LITERAL_IMAGE).some((path) => file.origin.startsWith(path));

if (!KUBECTL) {
  // Visible in CI output: the rendering check is the one part that needs a tool outside npm.
  console.warn(
    "NOTICE: kubectl is not installed; the kustomize rendering checks of the corpus test are skipped.",
  );
}

function updatesFor(file: CorpusFile): { args: { name: string; newName: "*"; newTag: string }[] } {
  const listed = listImages({ path: file.local, text: file.text });
  if (!listed.ok) throw new Error(`${file.origin}: ${listed.message}`);
  const args = listed.images.map((name, index) => ({
    name,
    newName: "*" as const,
    newTag: TAGS[index % TAGS.length] ?? "x",
  }));
  return { args };
}

/** Leaf paths whose values differ between two plain values. */
function differingPaths(a: unknown, b: unknown, path: (string | number)[] = []): string[] {
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((key) =>
      differingPaths((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], [
        ...path,
        key,
      ]),
    );
  }
  return Object.is(a, b) ? [] : [path.join(".")];
}

function run(file: CorpusFile): {
  result: Extract<SetImagesResult, { ok: true }>;
  tags: Map<string, string>;
} {
  const { args } = updatesFor(file);
  const result = setImages({ path: file.local, text: file.text, updates: args });
  if (!result.ok) throw new Error(`${file.origin}: ${result.error.message} (line ${result.error.line})`);
  return { result, tags: new Map(args.map((arg) => [arg.name, arg.newTag])) };
}

describe.each(files.map((file) => [file.origin, file] as const))("corpus: %s", (_, file) => {
  if (withoutLiteralImage(file)) {
    test("names no image literally, so any image is not referenced and nothing is written", () => {
      const result = setImages({
        path: file.local,
        text: file.text,
        updates: [{ name: "quay.io/x/y", newTag: "1" }],
      });
      expect(result.ok && result.skips.map((skip) => skip.reason)).toEqual(["not-referenced"]);
      expect(result.ok && result.text).toBe(file.text);
    });
    return;
  }

  test("only the target values change; every other line, comment and line ending survives", () => {
    const { result } = run(file);
    const unsupported = result.skips.filter((skip) => skip.reason !== "unsupported-yaml");
    expect(unsupported).toEqual([]);
    expect(result.changes.length).toBeGreaterThan(0);

    // Every value that differs after a re-parse is one the plan reports, and nothing else.
    const before = parseDocument(file.text).toJS();
    const after = parseDocument(result.text).toJS();
    if (file.kind !== "manifests") {
      const planned = new Set(result.changes.map((change) => change.path.join(".")));
      for (const path of differingPaths(before, after)) expect(planned).toContain(path);
    }

    // Removed lines are the changed values' lines; a comment on such a line is carried over.
    const removed = diffLines(file.text, result.text).filter((part) => part.removed);
    const removedLines = removed.flatMap((part) => part.value.split("\n").filter((line) => line !== ""));
    expect(removedLines.length).toBeLessThanOrEqual(result.changes.length);
    for (const line of removedLines) {
      const comment = / #.*$/.exec(line)?.[0];
      if (comment !== undefined) expect(result.text).toContain(comment);
    }
    expect(result.text.includes("\r\n")).toBe(file.text.includes("\r\n"));
    expect(result.text.endsWith("\n")).toBe(file.text.endsWith("\n"));
  });

  test("a second run with the same images changes nothing", () => {
    const { result } = run(file);
    const { args } = updatesFor(file);
    const again = setImages({ path: file.local, text: result.text, updates: args });
    expect(again.ok && again.changed).toBe(false);
    expect(again.ok && again.text).toBe(result.text);
  });

  if (file.kind === "kustomize") {
    (KUBECTL ? test : test.skip)("kubectl kustomize renders exactly NEWNAME:TAG for every entry", () => {
      const { result, tags } = run(file);
      const doc = parseDocument(result.text);
      const root = doc.contents;
      if (!isMap(root)) throw new Error("not a mapping");
      const pair = root.items.find((item) => (item.key as { value?: unknown }).value === "images") as Pair<
        { range: [number, number, number] },
        unknown
      >;
      const seq = pair.value;
      if (!isSeq(seq)) throw new Error("images: is not a list");
      const entries = seq.items.filter(isMap).map((entry) => entry.toJSON() as Record<string, string>);
      const cut = result.text.slice(pair.key.range[0], nextLineStart(result.text, contentEnd(seq, 0)));

      const named = entries.filter((entry) => typeof entry.name === "string" && parseImageRef(entry.name).ok);
      const rendered = renderImages(
        `${cut}\n`,
        named.map((entry) => entry.name as string),
      );
      // kustomize applies the entries in order, so an entry can match what an earlier one renamed.
      const expected = named.map((container) => {
        let image = { name: container.name as string, tag: "" };
        const parsed = parseImageRef(image.name);
        if (parsed.ok) image = { name: parsed.value.name, tag: parsed.value.tag ?? "" };
        for (const entry of named) {
          if (entry.name !== image.name && entry.name !== `${image.name}:${image.tag}`) continue;
          // The tag this test asked for, not what the edited file says: the oracle checks both agree.
          image = { name: entry.newName ?? image.name, tag: tags.get(entry.name as string) ?? image.tag };
        }
        return `${image.name}:${image.tag}`;
      });
      expect(rendered).toEqual(expected);
    });
  }
});

test("the corpus holds real files of every format", () => {
  const kinds = new Set(files.map((file) => file.kind));
  expect([...kinds].sort()).toEqual(["helm", "kustomize", "manifests"]);
  expect(files.length).toBeGreaterThanOrEqual(65);
});

test("every corpus file has exactly one provenance row, and every row its file", () => {
  for (const kind of ["helm", "kustomize", "manifests"] as const) {
    const onDisk = readdirSync(join(CORPUS_ROOT, kind))
      .filter((name) => name !== "INDEX.tsv")
      .sort();
    const listed = files.filter((file) => file.kind === kind).map((file) => basename(file.local));
    expect([...listed].sort()).toEqual(onDisk);
    expect(new Set(listed).size).toBe(listed.length);
  }
  for (const file of files) expect(file.origin).toMatch(/^[\w.-]+\/[\w.-]+\/\S+@[0-9a-f]{7}$/);
});
