/** A route name as the twin counts it: `GET /repos/{owner}/{repo}` or `graphql mutation createCommitOnBranch`. */
export type RouteName = string;

export interface InjectedFailure {
  readonly route: RouteName | "*";
  readonly status: number;
  readonly body?: Record<string, unknown>;
  readonly headers?: Record<string, string>;
  remaining: number;
}

export interface RaceRule {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  /** The write to race: the racing commit lands just before the twin handles this route. */
  readonly route: RouteName;
  remaining: number;
}

export const SECONDARY_RATE_LIMIT_MESSAGE =
  "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
  "If you reach out to GitHub Support for help, please include the request ID.";

export const SECONDARY_RATE_LIMIT_DOCS =
  "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";

/** Faults a test arms: latency per route, failures, secondary rate limits, racing writers. */
export class Faults {
  readonly latency = new Map<RouteName | "*", number>();
  readonly failures: InjectedFailure[] = [];
  readonly races: RaceRule[] = [];
  /** Content-creating requests a client may make in any 60 s before GitHub's secondary limit answers. */
  contentCreatingPerMinute = 80;
  /** ... and in any hour (GitHub: 500). */
  contentCreatingPerHour = 500;

  setLatency(route: RouteName | "*", ms: number): void {
    this.latency.set(route, ms);
  }

  latencyFor(route: RouteName): number {
    return this.latency.get(route) ?? this.latency.get("*") ?? 0;
  }

  /** The next `times` requests to `route` answer `status` (for example 502). */
  fail(route: RouteName | "*", status: number, times = 1, headers: Record<string, string> = {}): void {
    this.failures.push({ route, status, remaining: times, headers });
  }

  /** The next `times` requests to `route` meet a secondary rate limit (403 or 429, with retry-after). */
  secondaryRateLimit(
    route: RouteName | "*",
    options: { status?: 403 | 429; retryAfter?: number; times?: number } = {},
  ): void {
    this.failures.push({
      route,
      status: options.status ?? 403,
      remaining: options.times ?? 1,
      headers: { "retry-after": String(options.retryAfter ?? 60) },
      body: {
        message: SECONDARY_RATE_LIMIT_MESSAGE,
        documentation_url: SECONDARY_RATE_LIMIT_DOCS,
      },
    });
  }

  /** Another writer commits to `branch` just before the twin handles the next `times` requests to `route`. */
  race(rule: Omit<RaceRule, "remaining">, times = 1): void {
    this.races.push({ ...rule, remaining: times });
  }

  takeFailure(route: RouteName): InjectedFailure | undefined {
    const failure = this.failures.find((f) => f.remaining > 0 && (f.route === route || f.route === "*"));
    if (failure) failure.remaining -= 1;
    return failure;
  }

  /** Races armed for this route (and, for REST, this repository: GraphQL names it only in variables). */
  takeRaces(route: RouteName, owner?: string, repo?: string): RaceRule[] {
    const due = this.races.filter(
      (rule) =>
        rule.remaining > 0 &&
        rule.route === route &&
        (owner === undefined || rule.owner.toLowerCase() === owner.toLowerCase()) &&
        (repo === undefined || rule.repo.toLowerCase() === repo.toLowerCase()),
    );
    for (const rule of due) rule.remaining -= 1;
    return due;
  }

  clear(): void {
    this.latency.clear();
    this.failures.length = 0;
    this.races.length = 0;
  }
}

/** What the twin saw: requests per route, content-creating requests per minute, concurrency. */
export class Counters {
  readonly byRoute = new Map<RouteName, number>();
  /** Every request since the last reset, in the order the twin counted them, with when. */
  readonly log: Array<{ at: number; route: RouteName }> = [];
  /** Content-creating requests the twin admitted (they count against the client's limits). */
  readonly contentCreating: Array<{ at: number; client: string; route: RouteName }> = [];
  /** Content-creating requests the twin refused with the secondary limit (the client was over it). */
  readonly secondaryLimitRefused: Array<{ at: number; client: string; route: RouteName }> = [];
  inFlight = 0;
  maxConcurrent = 0;
  total = 0;

  count(route: RouteName): number {
    return this.byRoute.get(route) ?? 0;
  }

  /** Counts one request of `route` (once its route is known). */
  counted(route: RouteName): void {
    this.byRoute.set(route, this.count(route) + 1);
    this.log.push({ at: Date.now(), route });
  }

  /**
   * The most content-creating requests any one client made within any 60-second window: those the twin
   * admitted (never more than the limit), or with `received`, also those it refused (what the client sent).
   */
  maxContentCreatingPerMinute(which: "admitted" | "received" = "admitted"): number {
    const entries =
      which === "admitted" ? this.contentCreating : [...this.contentCreating, ...this.secondaryLimitRefused];
    const byClient = new Map<string, number[]>();
    for (const entry of entries) {
      const list = byClient.get(entry.client) ?? [];
      list.push(entry.at);
      byClient.set(entry.client, list);
    }
    let max = 0;
    for (const times of byClient.values()) max = Math.max(max, peakInWindow(times, 60_000));
    return max;
  }

  /** Content-creating requests by `client` in the `windowMs` (default 60 s) before `now`. */
  recentContentCreating(client: string, now: number, windowMs = 60_000): number {
    return this.contentCreating.filter((entry) => entry.client === client && now - entry.at < windowMs)
      .length;
  }

  reset(): void {
    this.byRoute.clear();
    this.log.length = 0;
    this.contentCreating.length = 0;
    this.secondaryLimitRefused.length = 0;
    this.maxConcurrent = this.inFlight;
    this.total = 0;
  }

  snapshot(): {
    total: number;
    maxConcurrent: number;
    maxContentCreatingPerMinute: number;
    secondaryLimitRefusals: number;
    byRoute: Record<string, number>;
  } {
    return {
      total: this.total,
      maxConcurrent: this.maxConcurrent,
      maxContentCreatingPerMinute: this.maxContentCreatingPerMinute(),
      secondaryLimitRefusals: this.secondaryLimitRefused.length,
      byRoute: Object.fromEntries([...this.byRoute.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}

/** The most of `times` (milliseconds, any order) that fall within any window of `windowMs`. */
export function peakInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= windowMs) start += 1;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
