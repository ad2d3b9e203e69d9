import { createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

// The wire contract of #17 for POST /api/builds, as a sender must meet it (written from the contract, not
// from the bot's code, so a recipe that drifts from the contract fails here even if the bot drifted too).

export const SIGNATURE_HEADER = "x-gitops-image-bot-signature-256";

/** Whether `header` is `sha256=<hex>` of HMAC-SHA256 over the raw body with one of the secrets. */
export function signatureValid(raw: Buffer, header: string | undefined, secrets: readonly string[]): boolean {
  const match = /^sha256=([0-9a-f]{64})$/.exec(header ?? "");
  if (!match?.[1]) return false;
  const offered = Buffer.from(match[1], "hex");
  let valid = false;
  for (const secret of secrets) {
    const expected = createHmac("sha256", secret).update(raw).digest();
    valid = timingSafeEqual(offered, expected) || valid;
  }
  return valid;
}

const digits = z.string().regex(/^\d+$/);

/** The body's fields: required repository, sha, image, tag; nothing else. */
export const buildBodySchema = z.strictObject({
  repository: z.string().regex(/^[^/\s]+(\/[^/\s]+)+$/),
  host: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i)
    .optional(),
  sha: z.string().regex(/^[0-9a-f]{40}$/i),
  image: z.string().min(1),
  tag: z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/),
  digest: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/)
    .optional(),
  branch: z.string().min(1).optional(),
  defaultBranch: z.string().min(1).optional(),
  buildNumber: z.union([z.number().int().min(0), digits]).optional(),
  url: z
    .string()
    .regex(/^https?:\/\/\S+$/)
    .optional(),
  committedAt: z.iso.datetime({ offset: true }).optional(),
});

export type ContractBuild = z.infer<typeof buildBodySchema>;
