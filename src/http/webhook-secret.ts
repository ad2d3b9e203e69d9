/** Probot's default webhook secret when none is set: publicly known, so it authenticates nobody. */
export const DEFAULT_SECRET = "development";

/** The shortest webhook secret the app accepts (`openssl rand -hex 32` makes 64 characters). */
export const MIN_SECRET_LENGTH = 16;

/**
 * Why `secret` cannot authenticate webhooks, or undefined when it can: unset, empty, Probot's default
 * or shorter than MIN_SECRET_LENGTH. The text completes "WEBHOOK_SECRET ..." and never shows the value.
 */
export function weakSecretReason(secret: string | undefined): string | undefined {
  if (secret === undefined || secret === "")
    return `is not set, so Probot would fall back to its publicly known default "${DEFAULT_SECRET}"`;
  if (secret === DEFAULT_SECRET) return `is "${DEFAULT_SECRET}", Probot's publicly known default`;
  if (secret.length < MIN_SECRET_LENGTH)
    return `is only ${secret.length} characters long: use at least ${MIN_SECRET_LENGTH} random characters`;
  return undefined;
}
