/** One try of a webhook request: the HTTP status and body, or the network error. */
export interface Attempt {
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

export interface WebhookRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface RetryPolicy {
  /** Retries after the first try (Argo CD's `retryMax`, default 3). */
  readonly retryMax: number;
  readonly retryWaitMinMs: number;
  readonly retryWaitMaxMs: number;
}

/** Go durations as the webhook service's settings write them (`1s`, `500ms`, `2m`). */
export function parseGoDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!match) throw new Error(`argocd twin: cannot read the duration "${text}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as "ms" | "s" | "m" | "h"];
  return Number(match[1]) * unit;
}

/** hashicorp/go-retryablehttp's DefaultRetryPolicy: network errors, 429 and 5xx except 501. */
function retryable(attempt: Attempt): boolean {
  if (attempt.status === undefined) return true;
  return attempt.status === 429 || (attempt.status >= 500 && attempt.status !== 501);
}

/**
 * Sends a webhook as Argo CD Notifications' webhook service does (go-retryablehttp under it): up to
 * 1 + retryMax tries, waiting min * 2^n (at most max) between them; a final status outside 2xx is a
 * failure.
 */
export async function sendWebhook(
  request: WebhookRequest,
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
): Promise<{ ok: boolean; attempts: Attempt[] }> {
  const attempts: Attempt[] = [];
  for (let n = 0; n <= policy.retryMax; n += 1) {
    if (n > 0) await sleep(Math.min(policy.retryWaitMinMs * 2 ** (n - 1), policy.retryWaitMaxMs));
    let attempt: Attempt;
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        ...(request.method === "GET" ? {} : { body: request.body }),
      });
      attempt = { status: response.status, body: await response.text() };
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      attempt = { error: cause ?? (error as Error).message };
    }
    attempts.push(attempt);
    if (!retryable(attempt)) break;
  }
  const last = attempts[attempts.length - 1];
  // The webhook service: anything but a 2xx is a failure.
  return { ok: last?.status !== undefined && last.status >= 200 && last.status <= 299, attempts };
}
