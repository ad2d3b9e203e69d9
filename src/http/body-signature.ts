import { createHmac, timingSafeEqual } from "node:crypto";
import { endpointSecrets, secretList } from "./endpoint-secrets.js";

/**
 * The secrets an endpoint that takes signed bodies verifies with (`BUILDS_WEBHOOK_SECRET`): validated
 * as `endpointSecrets` validates them (off, refused with a reason that never shows a value), kept as
 * the keys the HMAC needs.
 */
export type SigningSecrets =
  | { readonly kind: "off" }
  | { readonly kind: "on"; readonly keys: readonly Buffer[] }
  | { readonly kind: "refused"; readonly reason: string };

export function signingSecrets(variable: string, text: string | undefined): SigningSecrets {
  const checked = endpointSecrets(variable, text);
  if (checked.kind !== "on") return checked;
  return { kind: "on", keys: secretList(text).map((secret) => Buffer.from(secret, "utf8")) };
}

/** `sha256=<64 hex>`, as GitHub's `X-Hub-Signature-256`; anything else is no signature. */
export function offeredSignature(header: string | string[] | undefined): Buffer | undefined {
  if (typeof header !== "string") return undefined;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], "hex");
}

/** The signature of `body` with `key`, as the header carries it. */
export function signBody(key: string | Buffer, body: string | Buffer): string {
  return `sha256=${createHmac("sha256", key).update(body).digest("hex")}`;
}

/**
 * Whether `signature` is the HMAC-SHA256 of the raw body (as read, in its chunks) with one of `keys`.
 * Every key is computed and compared in constant time, whatever matched before: the time tells nothing.
 */
export function signedByOne(chunks: readonly Buffer[], signature: Buffer, keys: readonly Buffer[]): boolean {
  let match = false;
  for (const key of keys) {
    const hmac = createHmac("sha256", key);
    for (const chunk of chunks) hmac.update(chunk);
    const expected = hmac.digest();
    match = (expected.length === signature.length && timingSafeEqual(expected, signature)) || match;
  }
  return match;
}
