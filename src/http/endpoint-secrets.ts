import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { MIN_SECRET_LENGTH } from "./webhook-secret.js";

/**
 * The secrets an endpoint of the app (`/api/argocd`, `/api/alertmanager`) takes, from one environment
 * variable: comma-separated (several during a rotation), as SHA-256 digests. `off`: none set, the
 * endpoint answers 404. `refused`: one of them is weak (shorter than MIN_SECRET_LENGTH, or with
 * characters a header cannot carry): the endpoint answers 503 with `reason` to every request and the app
 * logs it at start; the rest of the app runs on, and senders retry a 5xx, so nothing is lost once the
 * secret is fixed. The reason names the variable, never the value.
 */
export type EndpointSecrets =
  | { readonly kind: "off" }
  | { readonly kind: "on"; readonly digests: readonly Buffer[] }
  | { readonly kind: "refused"; readonly reason: string };

export function endpointSecrets(variable: string, text: string | undefined): EndpointSecrets {
  const secrets = secretList(text);
  if (secrets.length === 0) return { kind: "off" };
  for (const [index, secret] of secrets.entries()) {
    const which = secrets.length > 1 ? `secret ${index + 1} of ${variable}` : variable;
    if (!/^[\x21-\x7e]+$/.test(secret))
      return {
        kind: "refused",
        reason: `${which} has characters a header cannot carry: use printable ASCII without spaces or commas, e.g. \`openssl rand -hex 32\``,
      };
    if (secret.length < MIN_SECRET_LENGTH)
      return {
        kind: "refused",
        reason: `${which} is only ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters, e.g. \`openssl rand -hex 32\``,
      };
  }
  return { kind: "on", digests: secrets.map(digest) };
}

/** The secrets of a comma-separated variable, trimmed, empty ones dropped (not validated: see `endpointSecrets`). */
export function secretList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter((secret) => secret !== "");
}

/** Where a request may carry the secret: Basic auth's password always, plus a header of its own or a bearer token. */
export interface SecretCarriers {
  /** A header (lower case) whose whole value is the secret. */
  readonly header?: string;
  /** `Authorization: Bearer <secret>`. */
  readonly bearer?: boolean;
}

/**
 * Whether the request carries one of the secrets in a place `carriers` allows (`Authorization: Basic`
 * with the secret as the password, any user name, is always one). Every offered secret is compared with
 * every expected one, in constant time, whatever matched before: the time tells nothing.
 */
export function carriesSecret(
  headers: IncomingHttpHeaders,
  digests: readonly Buffer[],
  carriers: SecretCarriers,
): boolean {
  const authorization = headers.authorization?.trim() ?? "";
  const own = carriers.header === undefined ? undefined : headers[carriers.header];
  const offered = [
    typeof own === "string" ? own.trim() : undefined,
    carriers.bearer ? /^Bearer +(\S+)$/i.exec(authorization)?.[1] : undefined,
    basicPassword(authorization),
  ].filter((secret): secret is string => secret !== undefined && secret !== "");
  let match = false;
  for (const secret of offered) {
    const candidate = digest(secret);
    for (const expected of digests) match = timingSafeEqual(candidate, expected) || match;
  }
  return match;
}

function basicPassword(authorization: string): string | undefined {
  const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/**
 * Whether `offered` (a secret a sender can only put in the URL path) is one of the secrets: compared with
 * every expected one, in constant time, whatever matched before.
 */
export function matchesSecret(offered: string, digests: readonly Buffer[]): boolean {
  const candidate = digest(offered);
  let match = false;
  for (const expected of digests) match = timingSafeEqual(candidate, expected) || match;
  return match && offered !== "";
}

/** SHA-256: equal lengths for timingSafeEqual, whatever the client sends. */
function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}
