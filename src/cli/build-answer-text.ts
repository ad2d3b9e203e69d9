import { z } from "zod";

// The bot's answers to POST /api/builds, read as untrusted input: only what is printed is taken.
const text = z.string().max(2000);
const accepted = z.object({
  queued: z.array(z.object({ manifests: text, images: z.array(text).max(100) })).max(1000),
  ignored: z.array(z.object({ manifests: text, reason: text })).max(1000),
  unrouted: text.optional(),
  duplicate: z.boolean().optional(),
});
const refused = z.object({ error: text, field: text.optional(), fix: text.optional() });

/** Printable on one terminal line: control characters (escape sequences, newlines) become spaces. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\x00-\x1f\x7f-\x9f]+/g, " ").trim();
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The lines a 202 answer prints: where the build was queued, what ignored it and why. */
export function acceptedLines(body: string): string[] {
  const parsed = accepted.safeParse(parseJson(body));
  if (!parsed.success) return ["accepted (202); the answer's body was not the expected JSON"];
  const answer = parsed.data;
  const lines: string[] = [];
  for (const one of answer.queued)
    lines.push(`queued for ${clean(one.manifests)}: ${one.images.map(clean).join(", ")}`);
  for (const one of answer.ignored) lines.push(`ignored by ${clean(one.manifests)}: ${clean(one.reason)}`);
  if (answer.unrouted !== undefined) lines.push(`not routed: ${clean(answer.unrouted)}`);
  if (answer.duplicate === true)
    lines.push(
      "already queued: the same build (source, image, tag, digest) was sent before; not queued again",
    );
  if (lines.length === 0) lines.push("accepted; no manifests repository queued it");
  return lines;
}

/** Why the bot refused the build (a 4xx), with the fix where one is known. */
export function refusedLine(status: number, body: string): string {
  const parsed = refused.safeParse(parseJson(body));
  const answer = parsed.success ? parsed.data : undefined;
  if (status === 401)
    return "the bot refused the signature (401): GITOPS_IMAGE_BOT_BUILD_SECRET must be one of the bot's BUILDS_WEBHOOK_SECRET";
  if (status === 404)
    return "no build endpoint there (404): check --url, and that the bot has BUILDS_WEBHOOK_SECRET set (the endpoint is off without it)";
  if (status === 413) return "the bot refused the body as too large (413)";
  if (answer !== undefined) {
    const field = answer.field === undefined ? "" : ` (field ${clean(answer.field)})`;
    const fix = answer.fix === undefined ? "" : `. Fix: ${clean(answer.fix)}`;
    return `the bot refused the build (${status}): ${clean(answer.error)}${field}${fix}`;
  }
  return `the bot refused the build (${status})`;
}

/** The reason a 5xx answer gives (e.g. a weak secret on the bot's side), if any. */
export function serverReason(body: string | undefined): string {
  if (body === undefined) return "";
  const parsed = refused.safeParse(parseJson(body));
  return parsed.success ? `: ${clean(parsed.data.error)}` : "";
}
