import type { ImageRef, ParseResult } from "./image-ref.js";
import { checkDigest, checkName, checkTag } from "./validate-parts.js";

/**
 * Parses `NAME[:TAG][@DIGEST]` as container tooling does: a `:` before the last `/` belongs to the
 * registry host (a port), so `localhost:5000/team/app` has no tag.
 */
export function parseImageRef(text: string): ParseResult<ImageRef> {
  const at = text.indexOf("@");
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const colon = beforeDigest.lastIndexOf(":");
  const hasTag = colon > beforeDigest.lastIndexOf("/");
  const name = hasTag ? beforeDigest.slice(0, colon) : beforeDigest;
  const tag = hasTag ? beforeDigest.slice(colon + 1) : undefined;

  const problem =
    checkName(name) ??
    (tag === undefined ? undefined : checkTag(tag)) ??
    (digest === undefined ? undefined : checkDigest(digest));
  if (problem !== undefined)
    return { ok: false, error: { message: `invalid image reference "${text}": ${problem}` } };
  return {
    ok: true,
    value: { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) },
  };
}
