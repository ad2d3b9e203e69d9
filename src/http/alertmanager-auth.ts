import { createHash, timingSafeEqual } from "node:crypto";
import { MIN_SECRET_LENGTH } from "./webhook-secret.js";

/**
 * The secrets Alertmanager may authenticate with, from `ALERTMANAGER_WEBHOOK_SECRET` (comma-separated,
 * so a new one can be added before the old one goes), as SHA-256 digests. Empty or unset: none (the
 * receiver is off). A secret a client cannot send in a header, or shorter than 16 characters, throws:
 * the app does not start with a receiver anyone could guess into.
 */
export function alertmanagerSecrets(value: string | undefined): readonly Buffer[] {
  const secrets = (value ?? "")
    .split(",")
    .map((secret) => secret.trim())
    .filter((secret) => secret !== "");
  for (const [index, secret] of secrets.entries()) {
    if (!/^[\x21-\x7e]+$/.test(secret))
      throw new Error(
        `ALERTMANAGER_WEBHOOK_SECRET: secret ${index + 1} has characters Alertmanager cannot send in an Authorization header: use printable ASCII without spaces or commas, e.g. \`openssl rand -hex 32\`.`,
      );
    if (secret.length < MIN_SECRET_LENGTH)
      throw new Error(
        `ALERTMANAGER_WEBHOOK_SECRET: secret ${index + 1} is only ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters, e.g. \`openssl rand -hex 32\`.`,
      );
  }
  return secrets.map(digest);
}

/**
 * Whether the request's `Authorization` header carries one of the secrets the ways Alertmanager's
 * `http_config` sends one: `Bearer <secret>` (`authorization.credentials`, or the older
 * `bearer_token`) or `Basic` with the secret as the password (`basic_auth`, any username). Every
 * secret is compared, in constant time, whatever matched before.
 */
export function alertmanagerAuthorized(header: string | undefined, secrets: readonly Buffer[]): boolean {
  const offered = credential(header ?? "");
  if (offered === undefined) return false;
  const candidate = digest(offered);
  let found = false;
  for (const secret of secrets) found = timingSafeEqual(candidate, secret) || found;
  return found;
}

/** The secret a header offers: the bearer token, or the basic auth password. */
function credential(header: string): string | undefined {
  const bearer = /^Bearer +(\S+) *$/i.exec(header);
  if (bearer) return bearer[1];
  const basic = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

/** SHA-256: equal lengths for timingSafeEqual, whatever the client sends. */
function digest(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}
