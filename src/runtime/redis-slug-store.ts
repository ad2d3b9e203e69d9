import { z } from "zod";
import type { SlugStore } from "../services/app-identity.js";
import type { Fleet } from "./fleet.js";

/** An app slug as GitHub gives it (letters, digits, dashes); anything else is not one: a miss. */
const slug = z.string().regex(/^[\w.-]{1,100}$/);

/**
 * An hour: an app renamed on GitHub is known by its new name within it (a replica that started before
 * keeps the name it learned, as one process always did).
 */
export const SLUG_TTL_SECONDS = 3600;

/** The app's slug in Redis at `<prefix>app-slug` (not a secret: GitHub shows it in every bot login). */
export function redisSlugStore(fleet: Pick<Fleet, "redis" | "prefix">): SlugStore {
  const key = `${fleet.prefix}app-slug`;
  return {
    get: async () => {
      const parsed = slug.safeParse(await fleet.redis.get(key));
      return parsed.success ? parsed.data : undefined;
    },
    put: async (value) => {
      await fleet.redis.set(key, value, "EX", SLUG_TTL_SECONDS);
    },
  };
}
