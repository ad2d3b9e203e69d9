import { createHmac } from "node:crypto";

/** The header that carries the body's signature (the scheme of GitHub's X-Hub-Signature-256). */
export const SIGNATURE_HEADER = "X-Gitops-Image-Bot-Signature-256";

/** `sha256=<hex>`: HMAC-SHA256 of the raw body with the secret. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface SendOptions {
  /** The bot's endpoint, e.g. https://bot.example.com/api/builds. */
  readonly endpoint: string;
  readonly body: string;
  readonly secret: string;
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Further attempts after a network error, a timeout or a 5xx (never after a 4xx). */
  readonly retries: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told before each retry, with why the last attempt failed. */
  readonly onRetry?: (attempt: number, why: string, delayMs: number) => void;
}

/** The bot's answer (any status), or why no answer came after every attempt. */
export type SendOutcome =
  | { readonly kind: "answered"; readonly status: number; readonly text: string }
  | { readonly kind: "unreachable"; readonly why: string; readonly status?: number; readonly text?: string };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Signs and posts the body; retries network errors, timeouts and 5xx with a growing pause (1 s, 2 s, 4 s ...). */
export async function sendBuild(options: SendOptions): Promise<SendOutcome> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? wait;
  const headers = {
    "Content-Type": "application/json",
    "User-Agent": "gitops-image-bot-notify-build",
    [SIGNATURE_HEADER]: signBody(options.body, options.secret),
  };
  let last: SendOutcome = { kind: "unreachable", why: "no attempt made" };
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) {
      const delayMs = Math.min(1000 * 2 ** (attempt - 1), 8000);
      options.onRetry?.(attempt, last.kind === "unreachable" ? last.why : "", delayMs);
      await sleep(delayMs);
    }
    try {
      const response = await doFetch(options.endpoint, {
        method: "POST",
        headers,
        body: options.body,
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      const text = await response.text();
      if (response.status < 500) return { kind: "answered", status: response.status, text };
      last = {
        kind: "unreachable",
        why: `the bot answered ${response.status}`,
        status: response.status,
        text,
      };
    } catch (error) {
      last = { kind: "unreachable", why: networkReason(error, options.timeoutMs) };
    }
  }
  return last;
}

function networkReason(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: unknown }).name;
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const detail =
    typeof cause?.code === "string"
      ? cause.code
      : typeof cause?.message === "string"
        ? cause.message
        : (error as Error).message;
  return `cannot connect (${detail})`;
}
