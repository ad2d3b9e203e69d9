import { applicationItems } from "../../core/feedback/from-application.js";

export interface ArgocdClientOptions {
  /** Argo CD's base URL (`ARGOCD_SERVER`), e.g. `https://argocd.example.com`. */
  readonly server: string;
  /** A read-only API token (`ARGOCD_TOKEN`), sent as `Authorization: Bearer`. */
  readonly token: string;
  /** How long one request may take, headers and body (default 15 s). */
  readonly timeoutMs?: number | undefined;
  /** The largest answer read (default 64 MiB: thousands of applications with their resources). */
  readonly maxBytes?: number;
  readonly fetch?: typeof fetch;
}

export type ApplicationsRead =
  { readonly ok: true; readonly items: readonly unknown[] } | { readonly ok: false; readonly reason: string };

/**
 * The part of Argo CD's REST API the app reads: `GET /api/v1/applications?repo=<url>`, the applications
 * whose source is one repository, in one request. Never throws: unreachable, a timeout, 401 or 5xx,
 * an answer too large or not an application list are a reason.
 */
export class ArgocdClient {
  readonly server: string;

  constructor(private readonly options: ArgocdClientOptions) {
    this.server = options.server.replace(/\/+$/, "");
  }

  /** The applications whose source is `repoUrl` (Argo CD compares it as written), or all without it. */
  async listApplications(repoUrl: string | undefined): Promise<ApplicationsRead> {
    const url = new URL(`${this.server}/api/v1/applications`);
    if (repoUrl !== undefined) url.searchParams.set("repo", repoUrl);
    const timeoutMs = this.options.timeoutMs ?? 15_000;
    const maxBytes = this.options.maxBytes ?? 64 * 1024 * 1024;
    try {
      const response = await (this.options.fetch ?? fetch)(url, {
        headers: { authorization: `Bearer ${this.options.token}`, accept: "application/json" },
        signal: AbortSignal.timeout(timeoutMs),
        redirect: "error",
      });
      if (!response.ok) {
        await response.body?.cancel();
        return { ok: false, reason: statusReason(response.status) };
      }
      const declared = Number(response.headers.get("content-length") ?? Number.NaN);
      if (declared > maxBytes) {
        await response.body?.cancel();
        return { ok: false, reason: `the answer declares ${declared} bytes, more than ${maxBytes}` };
      }
      const text = await boundedText(response, maxBytes);
      if (text === undefined) return { ok: false, reason: `the answer is larger than ${maxBytes} bytes` };
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return { ok: false, reason: "the answer is not JSON" };
      }
      const items = applicationItems(body);
      return items.ok
        ? items
        : { ok: false, reason: `the answer is not an application list (${items.reason})` };
    } catch (error) {
      return { ok: false, reason: failureReason(error, timeoutMs) };
    }
  }
}

/** The body as text, read as it arrives and given up (undefined) as soon as it passes `maxBytes`. */
async function boundedText(response: Response, maxBytes: number): Promise<string | undefined> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    length += value.byteLength;
    if (length > maxBytes) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, length).toString("utf8");
}

function statusReason(status: number): string {
  if (status === 401) return "401: ARGOCD_TOKEN was refused (expired, or not a token of this Argo CD)";
  if (status === 403)
    return "403: ARGOCD_TOKEN may not read applications (give its account `applications, get`)";
  return `it answered ${status}`;
}

function failureReason(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors may come from another realm (a VM context), where instanceof fails.
  const { name, message, cause } = (error ?? {}) as { name?: unknown; message?: unknown; cause?: unknown };
  if (name === "TimeoutError" || name === "AbortError") return `no answer within ${timeoutMs} ms`;
  const why = (cause as { message?: unknown } | undefined)?.message;
  const text = typeof message === "string" ? message : String(error);
  return typeof why === "string" ? `${text}: ${why}` : text;
}
