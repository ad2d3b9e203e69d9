import type { ConfigInputs } from "./load-config.js";

/** A manifests repository as the fleet keeps it: the texts its configuration is computed from. */
export interface StoredManifestsRepo {
  readonly owner: string;
  readonly name: string;
  readonly private: boolean;
  readonly inputs: ConfigInputs;
}

/** One installation's registry as read from GitHub, with when (the reading replica's clock). */
export interface StoredRegistry {
  /** Tells one read from another: a replica computes the configurations of a read once. */
  readonly id: string;
  readonly at: number;
  readonly repos: readonly StoredManifestsRepo[];
}

/**
 * Where the fleet keeps each installation's manifests registry (src/runtime/redis-registry-store.ts):
 * read by every replica, written by the one that read GitHub, cleared by any (a config push, the
 * installation's repositories changed). No token is kept: only repository names and config texts.
 */
export interface RegistryStore {
  /** The registry kept for the installation; undefined when none (or an entry that does not parse). */
  get(installationId: number): Promise<StoredRegistry | undefined>;
  /** Marks the start of a read: what `put` is given back, so an invalidation in between wins. */
  epoch(installationId: number): Promise<string>;
  /** Keeps the read for `ttlMs`, unless the installation was invalidated since `epoch`. */
  put(installationId: number, registry: StoredRegistry, epoch: string, ttlMs: number): Promise<void>;
  invalidate(installationId: number): Promise<void>;
}
