import { repoKey, type RepoId } from "../adapters/github/octokit.js";

/**
 * The last failure per manifests repository (a batch that gave up, an invalid config, a pass that
 * failed), for the dashboard; cleared when a later write succeeds. Kept in memory: a restart forgets it,
 * and the next failure sets it again.
 */
export class LastErrors {
  private readonly errors = new Map<string, { at: string; message: string }>();

  constructor(private readonly now: () => number) {}

  set(repo: RepoId, message: string): void {
    this.errors.set(repoKey(repo), { at: new Date(this.now()).toISOString(), message });
  }

  clear(repo: RepoId): void {
    this.errors.delete(repoKey(repo));
  }

  get(repo: RepoId): { at: string; message: string } | undefined {
    return this.errors.get(repoKey(repo));
  }
}
