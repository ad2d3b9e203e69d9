/** Response headers as Octokit gives them (lower-case names). */
export type ResponseHeaders = Readonly<Record<string, string | number | undefined>>;

/**
 * Which of GitHub's rate limits an answer says was hit: `secondary` (too many requests at once or
 * content-creating requests too fast), `primary` (the hourly budget is spent), or `none`.
 */
export type GitHubLimit = "secondary" | "primary" | "none";

export const GITHUB_LIMITS: readonly GitHubLimit[] = ["none", "primary", "secondary"];

/**
 * Reads an answer as GitHub documents it (and as @octokit/plugin-throttling tells them apart): a
 * secondary limit is a 403 or 429 whose message says "secondary rate limit", or one with `retry-after`
 * while requests are left; a primary limit is a 403 or 429 with `x-ratelimit-remaining: 0`, or a
 * GraphQL answer with a `RATE_LIMITED` error.
 */
export function githubLimit(
  status: number,
  headers: ResponseHeaders | undefined,
  body: unknown,
): GitHubLimit {
  const remaining = headers?.["x-ratelimit-remaining"];
  const spent = remaining !== undefined && String(remaining) === "0";
  if (status === 403 || status === 429) {
    if (/\bsecondary rate\b/i.test(messageOf(body))) return "secondary";
    if (spent) return "primary";
    if (headers?.["retry-after"] !== undefined) return "secondary";
  }
  return graphqlRateLimited(body) ? "primary" : "none";
}

function messageOf(body: unknown): string {
  if (typeof body === "string") return body;
  const message = (body as { message?: unknown } | null | undefined)?.message;
  return typeof message === "string" ? message : "";
}

function graphqlRateLimited(body: unknown): boolean {
  const errors = (body as { errors?: unknown } | null | undefined)?.errors;
  return (
    Array.isArray(errors) && errors.some((error) => (error as { type?: unknown })?.type === "RATE_LIMITED")
  );
}

/** The `status` label of a request that got no HTTP response (connection refused, reset, timeout, abort). */
export const NO_RESPONSE_STATUS = "network-error";

/** What GitHub answered, as an Octokit request error carries it; `NO_RESPONSE_STATUS` when no answer came. */
export interface ErrorAnswer {
  readonly status: number | typeof NO_RESPONSE_STATUS;
  readonly headers: ResponseHeaders | undefined;
  readonly body: unknown;
}

/** The status, headers and body of the response an Octokit request error carries, if it carries one. */
export function errorAnswer(error: unknown): ErrorAnswer {
  const none = { status: NO_RESPONSE_STATUS, headers: undefined, body: undefined } as const;
  if (typeof error !== "object" || error === null) return none;
  const { status, response } = error as {
    status?: unknown;
    response?: { headers?: ResponseHeaders; data?: unknown };
  };
  // @octokit/request reports a failed fetch (refused, reset, aborted) as status 500 without a response.
  if (response === undefined || typeof status !== "number") return none;
  return { status, headers: response.headers, body: response.data };
}

/** Why a deploy batch failed for good, as a small fixed set (the `reason` of `batches_failed_total`). */
export type BatchFailure = "rate-limit" | "github" | "network" | "other";

export const BATCH_FAILURES: readonly BatchFailure[] = ["rate-limit", "github", "network", "other"];

/**
 * `rate-limit`: GitHub's primary or secondary limit; `github`: any other answer of GitHub's (a 5xx
 * after retries, a 403 for a permission, a 422); `network`: no answer; `other`: anything else (the
 * branch kept moving, a bug).
 */
export function batchFailure(error: unknown): BatchFailure {
  const isRequestError =
    typeof error === "object" && error !== null && "status" in error && "request" in error;
  if (!isRequestError) return "other";
  const answer = errorAnswer(error);
  if (answer.status === NO_RESPONSE_STATUS) return "network";
  return githubLimit(answer.status, answer.headers, answer.body) === "none" ? "github" : "rate-limit";
}
