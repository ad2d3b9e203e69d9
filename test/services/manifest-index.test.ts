// The manifest index screens each file once: a file over the size limit (by the tree listing's size, or
// by the blob's byteSize) is never read, an alias bomb never walked; both are listed as refused.
import { MAX_MANIFEST_BYTES } from "../../src/core/index.js";
import { ManifestIndex, pathNamesAny, type IndexReader } from "../../src/services/manifest-index.js";
import { Lru } from "../../src/services/lru.js";

const OVERLAY = "images:\n- name: ghcr.io/acme/web\n  newTag: v1\n";
const BOMB = `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nimages:\n- name: ghcr.io/acme/web\n  newTag: v1\n`;

/** A tree of three files; `sizes` says what the listing tells (undefined: no size given). */
function reader(sizes: { big: number | undefined }) {
  const asked: string[] = [];
  const texts = new Map([
    ["o-overlay", OVERLAY],
    ["o-bomb", BOMB],
  ]);
  const fake: IndexReader = {
    listTree: async () => [
      { path: "dev/web/kustomization.yaml", oid: "o-overlay", size: OVERLAY.length },
      { path: "dev/bomb/kustomization.yaml", oid: "o-bomb", size: BOMB.length },
      { path: "dev/big/kustomization.yaml", oid: "o-big", size: sizes.big },
    ],
    readBlobs: async (oids) => {
      asked.push(...oids);
      return {
        texts: new Map(oids.flatMap((oid) => (texts.has(oid) ? [[oid, texts.get(oid)!] as const] : []))),
        tooLarge: new Map(oids.includes("o-big") ? [["o-big", 1_200_000]] : []),
      };
    },
  };
  return { fake, asked };
}

test.each([
  ["the tree listing gives the size: the large file is never asked for", 1_200_000, false],
  ["no size in the listing: the blob's byteSize refuses it, and its text is not kept", undefined, true],
])("%s", async (_name, size, askedForBig) => {
  const index = new ManifestIndex();
  const { fake, asked } = reader({ big: size });
  const files = await index.filesFor("acme/m", "t1", fake, ["ghcr.io/acme/web"], () => true, new Map());
  expect(asked.includes("o-big")).toBe(askedForBig);
  // The bomb names the image in its text: it stays a file of the image, so the build skips it with a reason.
  expect(
    files.byImage
      .get("ghcr.io/acme/web")
      ?.map((file) => file.path)
      .sort(),
  ).toEqual(["dev/bomb/kustomization.yaml", "dev/web/kustomization.yaml"]);
  expect(index.text("o-big")).toBeUndefined();
  expect(index.refused("acme/m", () => true)).toEqual([
    {
      path: "dev/bomb/kustomization.yaml",
      oid: "o-bomb",
      refusal: { reason: "too-many-aliases", aliases: 27, limit: 100, line: 2, column: 8 },
    },
    {
      path: "dev/big/kustomization.yaml",
      oid: "o-big",
      refusal: { reason: "file-too-large", bytes: 1_200_000, limit: MAX_MANIFEST_BYTES },
    },
  ]);
  expect(index.refused("acme/m", (path) => path.includes("/web/"))).toEqual([]);

  // Screened once: the next batch on the same tree reads nothing.
  asked.length = 0;
  await index.filesFor("acme/m", "t1", fake, ["ghcr.io/acme/web"], () => true, new Map());
  expect(asked).toEqual([]);
});

describe("Lru with a weight", () => {
  test("forgets the oldest entries once the total weight is over the bound", () => {
    const lru = new Lru<string, string>(10, (text) => text.length);
    lru.set("a", "xxxx");
    lru.set("b", "xxxx");
    lru.get("a"); // a is now the most recent
    lru.set("c", "xxxx");
    expect([lru.has("a"), lru.has("b"), lru.has("c")]).toEqual([true, false, true]);
  });

  test("an entry heavier than the whole bound is not kept, and replacing an entry frees its weight", () => {
    const lru = new Lru<string, string>(10, (text) => text.length);
    lru.set("big", "x".repeat(11));
    expect(lru.has("big")).toBe(false);
    lru.set("a", "x".repeat(9));
    lru.set("a", "x");
    lru.set("b", "x".repeat(9));
    expect([lru.has("a"), lru.has("b")]).toEqual([true, true]);
  });
});

describe("a first pass after a start", () => {
  const overlay = (image: string) => `images:\n- name: ${image}\n  newTag: v1\n`;
  const VALUES = "image:\n  repository: ghcr.io/acme/web\n  tag: v1\n";
  /** 150 services' overlays, and a Helm values file of web whose path does not name it. */
  function bigTree() {
    const texts = new Map<string, string>();
    const files: { path: string; oid: string; size: number }[] = [];
    const add = (path: string, text: string) => {
      const oid = `o-${files.length}`;
      texts.set(oid, text);
      files.push({ path, oid, size: text.length });
    };
    for (let n = 0; n < 150; n++) add(`apps/svc${n}/dev/kustomization.yaml`, overlay(`ghcr.io/acme/svc${n}`));
    add("apps/web/dev/kustomization.yaml", overlay("ghcr.io/acme/web"));
    add("platform/dev/frontend/values.yaml", VALUES);
    const asked: string[][] = [];
    const fake: IndexReader = {
      listTree: async () => files,
      readBlobs: async (oids) => {
        asked.push([...oids]);
        return { texts: new Map(oids.map((oid) => [oid, texts.get(oid)!] as const)), tooLarge: new Map() };
      },
    };
    return { fake, asked };
  }
  const paths = (found: { path: string }[] | undefined) => (found ?? []).map((file) => file.path).sort();

  test("reads only the files whose paths name the image; completing finds the one that does not", async () => {
    const index = new ManifestIndex();
    const { fake, asked } = bigTree();
    const WEB = "ghcr.io/acme/web";
    const first = await index.filesFor("acme/m", "t1", fake, [WEB], () => true, new Map(), {
      firstPass: true,
    });
    expect(asked).toEqual([["o-150"]]);
    expect(paths(first.byImage.get(WEB))).toEqual(["apps/web/dev/kustomization.yaml"]);
    expect(first.unread?.size).toBe(152);
    // Not proven either way until the rest is read.
    expect(index.references("acme/m", WEB, () => true)).toBe(true);
    expect(index.references("acme/m", "ghcr.io/acme/nowhere", () => true)).toBeUndefined();

    await index.complete("acme/m", first.unread!, fake);
    expect(asked[1]).toHaveLength(151);
    expect(paths(index.matching(first.unread!, [WEB]).get(WEB))).toEqual([
      "apps/web/dev/kustomization.yaml",
      "platform/dev/frontend/values.yaml",
    ]);
    expect(index.references("acme/m", "ghcr.io/acme/nowhere", () => true)).toBe(false);
    // Complete now: the next first pass reads nothing and leaves nothing unread.
    const next = await index.filesFor("acme/m", "t1", fake, [WEB], () => true, new Map(), {
      firstPass: true,
    });
    expect([asked.length, next.unread, paths(next.byImage.get(WEB)).length]).toEqual([2, undefined, 2]);
  });

  test("an image no path names: every file is read at once", async () => {
    const index = new ManifestIndex();
    const { fake, asked } = bigTree();
    const found = await index.filesFor(
      "acme/m",
      "t1",
      fake,
      ["ghcr.io/acme/frontend-x"],
      () => true,
      new Map(),
      {
        firstPass: true,
      },
    );
    expect([found.unread, asked.flat().length]).toEqual([undefined, 152]);
  });

  test("without firstPass (a command, a reconciliation pass) every file is read", async () => {
    const index = new ManifestIndex();
    const { fake, asked } = bigTree();
    const found = await index.filesFor("acme/m", "t1", fake, ["ghcr.io/acme/web"], () => true, new Map());
    expect([found.unread, asked.flat().length, paths(found.byImage.get("ghcr.io/acme/web")).length]).toEqual([
      undefined,
      152,
      2,
    ]);
  });
});

test.each([
  ["apps/web/overlays/dev/kustomization.yaml", "ghcr.io/acme/web", true],
  ["apps/web-worker/overlays/dev/kustomization.yaml", "ghcr.io/acme/web", true],
  ["charts/values-web.yaml", "ghcr.io/acme/web", true],
  ["apps/webshop/overlays/dev/kustomization.yaml", "ghcr.io/acme/web", false],
  ["platform/dev/frontend/values.yaml", "ghcr.io/acme/web", false],
  ["apps/API/dev/kustomization.yaml", "ghcr.io/acme/api", true],
])("pathNamesAny(%s, %s) is %s", (path, image, expected) => {
  expect(pathNamesAny(path, [image])).toBe(expected);
});

// A listing that began before a push by someone else (the index forgot the tree) must not put that
// older tree back: an overlay added by the push would be answered "no file references the image".
test("a tree listed while the index forgot the repository is used for that read, not kept", async () => {
  const index = new ManifestIndex();
  const { fake } = reader({ big: 10 });
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slow: IndexReader = {
    listTree: async (treeOid) => {
      await gate;
      return fake.listTree(treeOid);
    },
    readBlobs: fake.readBlobs,
  };
  const reading = index.filesFor("acme/m", "t1", slow, ["ghcr.io/acme/web"], () => true, new Map());
  void index.forget("acme/m"); // a push by someone else arrived while the tree was being listed
  release();
  const files = await reading;
  expect(files.byImage.get("ghcr.io/acme/web")?.length).toBe(2);
  // The index knows no tree of the repository: it cannot tell, so nothing is refused on its word.
  expect(index.references("acme/m", "ghcr.io/acme/new", () => true)).toBeUndefined();
});
