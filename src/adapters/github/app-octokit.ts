import { ProbotOctokit } from "probot";
import { spacedFetch, WriteSpacing, type WriteSlots } from "./write-spacing.js";

/**
 * A stand-in for @octokit/plugin-throttling's `write` limiter that lets every request through at once:
 * that limiter spaces every REST write and every GraphQL request, queries included, one second apart.
 * `spacedFetch` spaces the writes instead. The plugin's `global` (10 at a time), `search` and
 * `notifications` limiters and its retries on `retry-after` and rate limits stay as they are.
 */
const letThrough = {
  key: () => ({
    schedule: <R>(_options: unknown, task: (...args: unknown[]) => Promise<R>, ...args: unknown[]) =>
      task(...args),
  }),
};

interface ClientOptions {
  readonly request?: { readonly fetch?: typeof globalThis.fetch };
  readonly throttle?: { readonly id?: string };
  readonly auth?: { readonly installationId?: unknown };
}

/**
 * The app's Octokit: Probot's (retries, throttling with Probot's rate-limit handlers, pagination, REST
 * methods, config), with writes (REST writes, GraphQL mutations) spaced a second apart per installation
 * and reads (REST GETs, GraphQL queries) not spaced. Each call makes a class with its own spacing; the
 * server passes one to Probot (`run(app, { Octokit: appOctokit() })`). With a fleet, `spacing` is the
 * Redis one (src/runtime/redis-write-spacing.ts): writes are spaced across every replica, once.
 */
export function appOctokit(spacing: WriteSlots = new WriteSpacing()): typeof ProbotOctokit {
  return ProbotOctokit.defaults((options: ClientOptions & Record<string, unknown>) => {
    // Probot names each installation's client by its id (throttle.id), as the plugin keys its limiters.
    const installation = options.auth?.installationId ?? options.throttle?.id;
    const key = installation === undefined ? "app" : String(installation);
    const fetch = spacedFetch(options.request?.fetch ?? globalThis.fetch, spacing, key);
    return {
      ...options,
      request: { ...options.request, fetch },
      throttle: { ...options.throttle, write: letThrough },
    };
  });
}
