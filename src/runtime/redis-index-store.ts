import { z } from "zod";
import { MAX_MANIFEST_BYTES } from "../core/index.js";
import { gitBlobOid } from "../services/git-blob-oid.js";
import type { IndexStore, StoredBlob } from "../services/index-store.js";
import type { Fleet } from "./fleet.js";

/**
 * Seven days, from the last use: an entry any replica reads lives on; the objects of trees nobody
 * deploys any more leave Redis by themselves.
 */
export const INDEX_TTL_MS = 7 * 24 * 60 * 60_000;

/** Blobs asked in one round trip at most (a pipeline of GETEX). */
const BLOBS_PER_TRIP = 500;

const objectId = z.string().regex(/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/);
const treeListing = z.array(
  z.tuple([z.string().min(1), objectId, z.number().int().nonnegative().nullable()]),
);
const refusal = z.union([
  z.object({ reason: z.literal("file-too-large"), bytes: z.number(), limit: z.number() }),
  z.object({
    reason: z.literal("too-many-aliases"),
    aliases: z.number(),
    limit: z.number(),
    line: z.number(),
    column: z.number(),
  }),
]);
const storedBlob = z.object({
  images: z.array(z.string()),
  text: z.string().optional(),
  broken: z.boolean().optional(),
  refusal: refusal.optional(),
});

/** The hint moves to the listed tree only when nothing changed it since the listing began. */
const LISTED = `
if (redis.call('GET', KEYS[2]) or '0') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0`;

/** An app commit: the epoch moves (listings begun before lose), the hint follows when it was `from`. */
const COMMITTED = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/** A foreign push: no tree known for the repository, and the epoch moves. */
const FORGET = `
redis.call('DEL', KEYS[1])
redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

/**
 * The manifest index in Redis. Keys (all under the fleet's prefix, each expiring `INDEX_TTL_MS` after
 * its last use): `index:tree:<tree oid>` (the listing's manifest files, JSON `[path, oid, size]`),
 * `index:blob:<blob oid>` (the images it references, with the text the index keeps), and per
 * repository `index:hint:<owner/name>` (the last tree known) and `index:epoch:<owner/name>`.
 */
export function redisIndexStore(fleet: Pick<Fleet, "redis" | "prefix">): IndexStore {
  const { redis, prefix } = fleet;
  const ttl = String(INDEX_TTL_MS);
  const treeKey = (oid: string) => `${prefix}index:tree:${oid}`;
  const blobKey = (oid: string) => `${prefix}index:blob:${oid}`;
  const hintKeys = (repoKey: string) => [`${prefix}index:hint:${repoKey}`, `${prefix}index:epoch:${repoKey}`];
  return {
    hint: async (repoKey) => {
      const [hintKey, epochKey] = hintKeys(repoKey) as [string, string];
      const [treeOid, epoch] = await Promise.all([
        redis.getex(hintKey, "PX", INDEX_TTL_MS),
        redis.get(epochKey),
      ]);
      const parsed = objectId.safeParse(treeOid);
      return { treeOid: parsed.success ? parsed.data : undefined, epoch: epoch ?? "0" };
    },
    tree: async (treeOid) => {
      const raw = await redis.getex(treeKey(treeOid), "PX", INDEX_TTL_MS);
      const parsed = treeListing.safeParse(parseJson(raw));
      if (!parsed.success) return undefined;
      return parsed.data.map(([path, oid, size]) => (size === null ? { path, oid } : { path, oid, size }));
    },
    putTree: async (treeOid, files) => {
      const listing = files.map((file) => [file.path, file.oid, file.size ?? null]);
      await redis.set(treeKey(treeOid), JSON.stringify(listing), "PX", INDEX_TTL_MS);
    },
    blobs: async (oids) => {
      const found = new Map<string, StoredBlob>();
      for (let start = 0; start < oids.length; start += BLOBS_PER_TRIP) {
        const chunk = oids.slice(start, start + BLOBS_PER_TRIP);
        const pipeline = redis.pipeline();
        for (const oid of chunk) pipeline.getex(blobKey(oid), "PX", INDEX_TTL_MS);
        const answers = (await pipeline.exec()) ?? [];
        chunk.forEach((oid, index) => {
          const [error, raw] = answers[index] ?? [null, null];
          const blob = error ? undefined : validBlob(oid, raw);
          if (blob) found.set(oid, blob);
        });
      }
      return found;
    },
    putBlobs: async (blobs) => {
      if (blobs.size === 0) return;
      const pipeline = redis.pipeline();
      for (const [oid, blob] of blobs) {
        // What the index refuses to read is not kept either (its refusal, without text, is).
        if (blob.text !== undefined && blob.text.length > MAX_MANIFEST_BYTES) continue;
        pipeline.set(blobKey(oid), JSON.stringify(blob), "PX", INDEX_TTL_MS);
      }
      await pipeline.exec();
    },
    listed: async (repoKey, treeOid, epoch) => {
      await redis.eval(LISTED, 2, ...hintKeys(repoKey), epoch, treeOid, ttl);
    },
    committed: async (repoKey, fromTreeOid, toTreeOid) => {
      await redis.eval(COMMITTED, 2, ...hintKeys(repoKey), fromTreeOid, toTreeOid, ttl);
    },
    forget: async (repoKey) => {
      await redis.eval(FORGET, 2, ...hintKeys(repoKey), ttl);
    },
  };
}

function parseJson(raw: unknown): unknown {
  if (typeof raw !== "string") return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** A kept blob whose shape is right and whose text is the blob's (its git oid matches); else a miss. */
function validBlob(oid: string, raw: unknown): StoredBlob | undefined {
  const parsed = storedBlob.safeParse(parseJson(raw));
  if (!parsed.success) return undefined;
  const blob = parsed.data;
  if (blob.text !== undefined && gitBlobOid(blob.text) !== oid) return undefined;
  return blob;
}
