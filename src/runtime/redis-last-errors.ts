import { repoKey, type RepoId } from "../adapters/github/octokit.js";
import type { LastError, LastErrors } from "../services/last-errors.js";
import type { Fleet } from "./fleet.js";

/**
 * A last error is kept 30 days at most: the dashboard shows the last failure until a write succeeds,
 * and a repository that neither fails nor succeeds for a month no longer has a failure worth showing.
 */
export const LAST_ERROR_TTL_MS = 30 * 24 * 3_600_000;

/**
 * The last errors of every replica in the fleet's Redis, one hash per repository (`at`, `message`), so
 * a dashboard written by one replica shows the failure another replica met. The commands of one
 * connection run in order, so a `get` after a `set` on this replica sees it.
 */
export class RedisLastErrors implements LastErrors {
  constructor(
    private readonly fleet: Pick<Fleet, "redis" | "prefix">,
    private readonly now: () => number,
    /** Told when Redis refused a write (the record is best effort: the caller goes on). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  set(repo: RepoId, message: string): void {
    const key = this.key(repo);
    this.fleet.redis
      .multi()
      .hset(key, { at: new Date(this.now()).toISOString(), message })
      .pexpire(key, LAST_ERROR_TTL_MS)
      .exec()
      .catch(this.onError);
  }

  clear(repo: RepoId): void {
    this.fleet.redis.del(this.key(repo)).catch(this.onError);
  }

  async get(repo: RepoId): Promise<LastError | undefined> {
    const { at, message } = await this.fleet.redis.hgetall(this.key(repo));
    return at !== undefined && message !== undefined ? { at, message } : undefined;
  }

  private key(repo: RepoId): string {
    return `${this.fleet.prefix}last-error:${repoKey(repo)}`;
  }
}
