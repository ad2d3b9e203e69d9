import fc from "fast-check";
import { parseAllDocuments } from "yaml";
import { listImages, setImages } from "../../src/core/index.js";
import { corpusFiles } from "../helpers/corpus-files.js";

const candidates = corpusFiles()
  .map((file) => ({ file, listed: listImages({ path: file.local, text: file.text }) }))
  .flatMap(({ file, listed }) =>
    listed.ok && listed.images.length > 0 ? [{ file, images: listed.images }] : [],
  );

/** Valid Docker tags, weighted towards the ones YAML or Go would read as something else. */
const tag = fc.oneof(
  fc.stringMatching(/^[\w][\w.-]{0,40}$/),
  fc.stringMatching(/^[0-9]{1,12}$/),
  fc.stringMatching(/^0[0-7]{1,8}$/),
  fc.stringMatching(/^[0-9]{1,3}[eE][0-9]{1,3}$/),
  fc.stringMatching(/^[0-9]{1,4}(_[0-9]{3}){1,2}$/),
  fc.stringMatching(/^[0-9]{1,2}:[0-5][0-9]$/),
  fc.stringMatching(/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/),
  fc.constantFrom(
    "true",
    "False",
    "yes",
    "NO",
    "on",
    "off",
    "y",
    "n",
    "null",
    "Null",
    "0x1F",
    "0b1",
    "0o7",
    "1.10",
  ),
);

function plain(text: string, version: "1.1" | "1.2"): unknown[] {
  return parseAllDocuments(text, { version }).map((doc) => doc.toJS());
}

function valueAt(root: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node as Record<string | number, unknown> | undefined)?.[key],
    root,
  );
}

test("for random valid tags on real files, only the target scalars change and they read back exactly", () => {
  expect(candidates.length).toBeGreaterThan(20);
  fc.assert(
    fc.property(fc.nat(candidates.length - 1), fc.nat(), tag, (fileIndex, imageIndex, newTag) => {
      const { file, images } = candidates[fileIndex]!;
      const name = images[imageIndex % images.length]!;
      const result = setImages({
        path: file.local,
        text: file.text,
        updates: [{ name, newName: "*", newTag }],
      });
      if (!result.ok) throw new Error(`${file.origin}: ${result.error.message}`);
      if (result.skips.some((skip) => skip.reason !== "unsupported-yaml"))
        throw new Error(JSON.stringify(result.skips));

      const before = plain(file.text, "1.2");
      const expected = structuredClone(before);
      for (const change of result.changes) {
        const parent = valueAt(expected[change.docIndex], change.path.slice(0, -1)) as Record<
          string | number,
          unknown
        >;
        const key = change.path.at(-1)!;
        if (change.to === undefined) Reflect.deleteProperty(parent, key);
        else parent[key] = change.to;
      }
      expect(plain(result.text, "1.2")).toEqual(expected);

      // Written values are that exact string under YAML 1.1 too (what older tooling and Go read).
      const yaml11 = plain(result.text, "1.1");
      for (const change of result.changes) {
        if (change.to !== undefined) expect(valueAt(yaml11[change.docIndex], change.path)).toBe(change.to);
      }
    }),
    { numRuns: 300, seed: Number(process.env.FC_SEED ?? Date.now() % 100000) },
  );
});
