import type { IndexStore } from "../services/index-store.js";
import type { RegistryStore } from "../services/registry-store.js";
import type { SlugStore } from "../services/app-identity.js";
import type { Fleet } from "./fleet.js";
import { redisIndexStore } from "./redis-index-store.js";
import { redisRegistryStore } from "./redis-registry-store.js";
import { redisSlugStore } from "./redis-slug-store.js";

/**
 * What a build's discovery costs, kept for the whole fleet (a fresh replica's first build as cheap as
 * a warm one): the manifests registry per installation, the manifest index by git object id, the app's
 * slug. Tokens and keys never: each replica asks for its own installation tokens.
 */
export interface SharedDiscovery {
  readonly registry: RegistryStore;
  readonly index: IndexStore;
  readonly slug: SlugStore;
}

/** The fleet's stores in its Redis; undefined without a fleet (each replica keeps its own, in memory). */
export function sharedDiscovery(fleet: Fleet | undefined): SharedDiscovery | undefined {
  if (!fleet) return undefined;
  return { registry: redisRegistryStore(fleet), index: redisIndexStore(fleet), slug: redisSlugStore(fleet) };
}
