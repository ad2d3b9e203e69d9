import { statusOf } from "../adapters/github/compare-commits.js";
import { isRedisUnavailable } from "../runtime/redis-errors.js";

/** How long to wait before retrying a failed GitHub call, or undefined when retrying cannot help. */
export function retryDelayMs(error: unknown, attempt: number): number | undefined {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : "";
  if (
    (status === 403 || status === 429) &&
    (/secondary rate/i.test(message) || retryAfter(error) !== undefined)
  )
    return (retryAfter(error) ?? 60) * 1000;
  if (status !== undefined && status >= 500) return Math.min(1000 * 2 ** (attempt - 1), 30_000);
  if (status === undefined && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|fetch failed|socket/i.test(message))
    return Math.min(1000 * 2 ** (attempt - 1), 30_000);
  // The fleet's Redis (pacing, write slots) did not answer: a blip, tried again like a network failure.
  if (isRedisUnavailable(error)) return Math.min(1000 * 2 ** (attempt - 1), 30_000);
  return undefined;
}

function retryAfter(error: unknown): number | undefined {
  const headers = (error as { response?: { headers?: Record<string, string | undefined> } }).response
    ?.headers;
  const value = headers?.["retry-after"];
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}
