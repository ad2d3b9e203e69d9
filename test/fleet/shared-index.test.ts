// The manifest index, the registry and the app's slug in a real Redis (src/runtime/redis-*-store.ts):
// what one replica listed or read, another uses without asking GitHub; the fleet's last tree of a
// repository follows forgets and commits by compare-and-set (a listing begun before a forget does not
// put its older tree back); an entry that does not parse, or whose text is not its blob, is a miss.
import { MAX_MANIFEST_BYTES } from "../../src/core/index.js";
import { openFleet, type Fleet } from "../../src/runtime/fleet.js";
import { INDEX_TTL_MS, redisIndexStore } from "../../src/runtime/redis-index-store.js";
import { redisRegistryStore } from "../../src/runtime/redis-registry-store.js";
import { redisSlugStore } from "../../src/runtime/redis-slug-store.js";
import { gitBlobOid } from "../../src/services/git-blob-oid.js";
import { ManifestIndex, type IndexReader } from "../../src/services/manifest-index.js";
import { describeWithRedis, startRedis, type RedisServer } from "../helpers/redis-server.js";

const WEB = "images:\n- name: ghcr.io/acme/web\n  newTag: v1\n";
const API = "images:\n- name: ghcr.io/acme/api\n  newTag: v1\n";
const PLAIN = "kind: Namespace\nmetadata: { name: web }\n";
const T1 = "1".repeat(40);
const T2 = "2".repeat(40);
const REPO = "acme/manifests";
const all = () => true;

/** A repository's tree `T1` of three files, counting what it is asked. */
function github(
  files: Record<string, string> = { "dev/web.yaml": WEB, "dev/api.yaml": API, "dev/ns.yaml": PLAIN },
) {
  const asked = { listings: 0, blobs: [] as string[] };
  const byOid = new Map(Object.values(files).map((text) => [gitBlobOid(text), text]));
  let gate: Promise<void> = Promise.resolve();
  const reader: IndexReader = {
    listTree: async () => {
      asked.listings++;
      await gate;
      return Object.entries(files).map(([path, text]) => ({
        path,
        oid: gitBlobOid(text),
        size: text.length,
      }));
    },
    readBlobs: async (oids) => {
      asked.blobs.push(...oids);
      return {
        texts: new Map(oids.flatMap((oid) => (byOid.has(oid) ? [[oid, byOid.get(oid)!] as const] : []))),
        tooLarge: new Map(),
      };
    },
  };
  return { reader, asked, hold: (until: Promise<void>) => (gate = until) };
}

describeWithRedis("the manifest index shared in Redis", () => {
  let redis: RedisServer;
  let fleet: Fleet;
  const replica = () => new ManifestIndex(redisIndexStore(fleet));

  beforeAll(async () => {
    redis = await startRedis();
    fleet = openFleet(redis.url, "test");
  });
  afterAll(async () => {
    await fleet.close();
    await redis.stop();
  });
  beforeEach(async () => {
    await fleet.redis.flushall();
  });

  test("a fresh replica uses another's listing and blobs, and its last tree, without asking GitHub", async () => {
    const first = github();
    await replica().filesFor(REPO, T1, first.reader, ["ghcr.io/acme/web"], all, new Map());
    expect(first.asked.listings).toBe(1);

    const fresh = replica();
    const second = github();
    await fresh.recall(REPO);
    // What the first replica read: the files of the image, their texts, without a listing or a blob read.
    expect(fresh.likelyPaths(REPO, ["ghcr.io/acme/api"])).toEqual(["dev/api.yaml"]);
    expect(fresh.likelyFiles(REPO, ["ghcr.io/acme/web"])).toEqual([{ path: "dev/web.yaml", text: WEB }]);
    expect(fresh.references(REPO, "ghcr.io/acme/other", all)).toBe(false);
    const found = await fresh.filesFor(REPO, T1, second.reader, ["ghcr.io/acme/web"], all, new Map());
    expect(found.byImage.get("ghcr.io/acme/web")).toEqual([{ path: "dev/web.yaml", oid: gitBlobOid(WEB) }]);
    expect(second.asked).toEqual({ listings: 0, blobs: [] });
  });

  test("a forget on one replica is the fleet's: another replica's recall drops the tree it knew", async () => {
    const other = replica();
    await other.filesFor(REPO, T1, github().reader, [], all, new Map());
    expect(other.references(REPO, "ghcr.io/acme/new", all)).toBe(false);
    await replica().forget(REPO);
    await other.recall(REPO);
    expect(other.references(REPO, "ghcr.io/acme/new", all)).toBeUndefined();
  });

  test("a listing begun before another replica forgot the repository does not become the fleet's tree", async () => {
    const slow = github();
    let release: () => void = () => undefined;
    slow.hold(new Promise<void>((resolve) => (release = resolve)));
    const listing = replica().filesFor(REPO, T1, slow.reader, [], all, new Map());
    while (slow.asked.listings === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await replica().forget(REPO); // a push by someone else, heard by another replica
    release();
    await listing;
    const fresh = replica();
    await fresh.recall(REPO);
    expect(fresh.references(REPO, "ghcr.io/acme/new", all)).toBeUndefined();
    // The listing itself is kept by its tree oid (immutable): the next read of T1 lists nothing.
    const again = github();
    await fresh.filesFor(REPO, T1, again.reader, [], all, new Map());
    expect(again.asked.listings).toBe(0);
  });

  test("an app commit moves the fleet's tree: another replica follows it without listing", async () => {
    const writer = replica();
    await writer.filesFor(REPO, T1, github().reader, [], all, new Map());
    const written = "images:\n- name: ghcr.io/acme/web\n  newTag: v2\n";
    await writer.committed(REPO, T1, T2, [{ path: "dev/web.yaml", text: written }]);
    const other = replica();
    await other.recall(REPO);
    expect(other.likelyFiles(REPO, ["ghcr.io/acme/web"])).toEqual([{ path: "dev/web.yaml", text: written }]);
    const after = github();
    await other.filesFor(REPO, T2, after.reader, ["ghcr.io/acme/web"], all, new Map());
    expect(after.asked).toEqual({ listings: 0, blobs: [] });
  });

  test("entries that do not parse, or whose text is not their blob, are misses: GitHub is asked", async () => {
    await replica().filesFor(REPO, T1, github().reader, [], all, new Map());
    await fleet.redis.set(`${fleet.prefix}index:tree:${T1}`, "{not json");
    const web = gitBlobOid(WEB);
    await fleet.redis.set(`${fleet.prefix}index:blob:${web}`, JSON.stringify({ images: ["x"], text: API }));
    await fleet.redis.set(`${fleet.prefix}index:blob:${gitBlobOid(API)}`, JSON.stringify({ images: "no" }));
    const fresh = replica();
    const again = github();
    const found = await fresh.filesFor(REPO, T1, again.reader, ["ghcr.io/acme/web"], all, new Map());
    expect(again.asked.listings).toBe(1);
    expect(again.asked.blobs.sort()).toEqual([web, gitBlobOid(API)].sort());
    expect(found.byImage.get("ghcr.io/acme/web")).toEqual([{ path: "dev/web.yaml", oid: web }]);
    await fleet.redis.set(`${fleet.prefix}index:hint:${REPO}`, "garbage");
    expect((await redisIndexStore(fleet).hint(REPO)).treeOid).toBeUndefined();
  });

  test("entries expire seven days after their last use; a text over the size limit is not kept", async () => {
    const store = redisIndexStore(fleet);
    await replica().filesFor(REPO, T1, github().reader, [], all, new Map());
    const treeKey = `${fleet.prefix}index:tree:${T1}`;
    await fleet.redis.pexpire(treeKey, 1000);
    await store.tree(T1); // a use refreshes it
    const ttl = await fleet.redis.pttl(treeKey);
    expect(ttl).toBeGreaterThan(INDEX_TTL_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(INDEX_TTL_MS);
    const huge = "x".repeat(MAX_MANIFEST_BYTES + 1);
    await store.putBlobs(new Map([[gitBlobOid(huge), { images: [], text: huge, broken: true }]]));
    expect(await fleet.redis.exists(`${fleet.prefix}index:blob:${gitBlobOid(huge)}`)).toBe(0);
  });

  test("the registry and the slug: an invalidation wins over a read begun before it; garbage is a miss", async () => {
    const store = redisRegistryStore(fleet);
    const read = { id: "r1", at: Date.now(), repos: [] };
    const before = await store.epoch(7);
    await store.invalidate(7); // a config push while the read was under way
    await store.put(7, read, before, 60_000);
    expect(await store.get(7)).toBeUndefined();
    await store.put(7, read, await store.epoch(7), 60_000);
    expect(await store.get(7)).toEqual(read);
    expect(await fleet.redis.pttl(`${fleet.prefix}registry:7`)).toBeLessThanOrEqual(60_000);
    await fleet.redis.set(`${fleet.prefix}registry:7`, JSON.stringify({ id: "r1", repos: "none" }));
    expect(await store.get(7)).toBeUndefined();
    const slug = redisSlugStore(fleet);
    await slug.put("gitops-image-bot");
    expect(await slug.get()).toBe("gitops-image-bot");
    await fleet.redis.set(`${fleet.prefix}app-slug`, "not a slug!");
    expect(await slug.get()).toBeUndefined();
  });
});
