import type { IncomingMessage } from "node:http";
import type { BodyShare } from "./body-budget.js";

export interface BodyLimits {
  /** The largest body read; a longer one is refused with 413 (a declared one before any byte is read). */
  readonly maxBytes: number;
  /** How long the whole body may take to arrive; slower gets 408. */
  readonly timeoutMs: number;
}

export type BodyRead =
  | { readonly ok: true; readonly chunks: Buffer[]; readonly length: number }
  | { readonly ok: false; readonly status: 400 | 408 | 413 | 503; readonly reason: string };

/** The request's Content-Length as a number, or undefined without one (chunked). */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/**
 * Reads the request's body into a Buffer, never more than `limits.maxBytes` and never more than `share`
 * can take from the shared budget: a declared length over the limit or over what the budget has left is
 * refused before any byte is read, and a chunked body as soon as it passes either. After a refusal the
 * rest of the body is discarded as it arrives, never kept. The chunks are kept as they came (not joined:
 * a forged body is never copied) and each is shown to `onChunk` as it arrives.
 */
export function readBoundedBody(
  req: IncomingMessage,
  share: BodyShare,
  limits: BodyLimits,
  onChunk: (chunk: Buffer) => void = () => undefined,
): Promise<BodyRead> {
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limits.maxBytes)
    return Promise.resolve(tooLarge(limits.maxBytes, `declares ${declared} bytes`));
  if (declared !== undefined && !share.growTo(declared)) return Promise.resolve(busy(share));

  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (read: BodyRead): void => {
      clearTimeout(timer);
      req.off("data", onData).off("end", onEnd).off("error", onAbort).off("close", onClose);
      if (!read.ok) {
        chunks.length = 0;
        req.on("error", () => undefined);
        req.resume(); // the rest is discarded as it arrives
      }
      resolve(read);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limits.maxBytes) finish(tooLarge(limits.maxBytes, `passed ${limits.maxBytes} bytes`));
      else if (!share.growTo(received)) finish(busy(share));
      else {
        chunks.push(chunk);
        onChunk(chunk);
      }
    };
    const onEnd = (): void => finish({ ok: true, chunks, length: received });
    const onAbort = (): void => finish({ ok: false, status: 400, reason: "the request was aborted" });
    const onClose = (): void => {
      if (!req.complete) onAbort();
    };
    const timer = setTimeout(
      () =>
        finish({ ok: false, status: 408, reason: `the body did not arrive within ${limits.timeoutMs} ms` }),
      limits.timeoutMs,
    );
    timer.unref();
    req.on("data", onData).on("end", onEnd).on("error", onAbort).on("close", onClose);
  });
}

function tooLarge(maxBytes: number, what: string): BodyRead {
  return {
    ok: false,
    status: 413,
    reason: `the body ${what}; GitHub delivers at most ${maxBytes} bytes (25 MB)`,
  };
}

function busy(share: BodyShare): BodyRead {
  const capacity = share.capacity;
  return {
    ok: false,
    status: 503,
    reason: `request bodies being read would pass ${capacity} bytes in all; retry later`,
  };
}
