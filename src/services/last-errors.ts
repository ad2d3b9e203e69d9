import { repoKey, type RepoId } from "../adapters/github/octokit.js";

/** A repository's last failure, as the dashboard shows it. */
export interface LastError {
  readonly at: string;
  readonly message: string;
}

/**
 * The last failure per manifests repository (a batch that gave up, an invalid config, a pass that
 * failed), for the dashboard; cleared when a later write succeeds. `set` and `clear` return at once
 * (the dashboard's record is best effort); a `get` after them on the same replica sees them.
 */
export interface LastErrors {
  set(repo: RepoId, message: string): void;
  clear(repo: RepoId): void;
  get(repo: RepoId): Promise<LastError | undefined>;
}

/** In memory: a restart forgets them, and the next failure sets them again. */
export class MemoryLastErrors implements LastErrors {
  private readonly errors = new Map<string, LastError>();

  constructor(private readonly now: () => number) {}

  set(repo: RepoId, message: string): void {
    this.errors.set(repoKey(repo), { at: new Date(this.now()).toISOString(), message });
  }

  clear(repo: RepoId): void {
    this.errors.delete(repoKey(repo));
  }

  async get(repo: RepoId): Promise<LastError | undefined> {
    return this.errors.get(repoKey(repo));
  }
}
