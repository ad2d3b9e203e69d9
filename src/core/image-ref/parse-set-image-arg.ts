import type { ParseResult } from "./image-ref.js";
import { KEEP, type ImageUpdate } from "./image-update.js";
import { parseImageRef } from "./parse-image-ref.js";
import { checkDigest, checkName, checkTag } from "./validate-parts.js";

const USAGE = "use NAME:TAG, NAME@DIGEST, NAME:TAG@DIGEST or NAME=NEWNAME[:TAG][@DIGEST] (* keeps a value)";

function fail(arg: string, problem: string): ParseResult<ImageUpdate> {
  return { ok: false, error: { message: `invalid image argument "${arg}": ${problem}` } };
}

/** Splits `NAME[:TAG][@DIGEST]` where each part may also be `*`, a `:` in the registry host being a port. */
function splitParts(text: string): { name: string; tag?: string; digest?: string } {
  const at = text.indexOf("@");
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  const colon = beforeDigest.lastIndexOf(":");
  const hasTag = colon > beforeDigest.lastIndexOf("/");
  return {
    name: hasTag ? beforeDigest.slice(0, colon) : beforeDigest,
    ...(hasTag ? { tag: beforeDigest.slice(colon + 1) } : {}),
    ...(at === -1 ? {} : { digest: text.slice(at + 1) }),
  };
}

function checkPart(value: string | undefined, check: (v: string) => string | undefined): string | undefined {
  return value === undefined || value === KEEP ? undefined : check(value);
}

/** Parses one argument of `set-image` in `kustomize edit set image` syntax. */
export function parseSetImageArg(arg: string): ParseResult<ImageUpdate> {
  const pieces = arg.split("=");
  if (pieces.length > 2) return fail(arg, `more than one "=": ${USAGE}`);
  const [left = "", right] = pieces;

  if (right === undefined) {
    const { name, tag, digest } = splitParts(left);
    if (tag === undefined && digest === undefined) return fail(arg, `nothing to set: ${USAGE}`);
    const problem = checkName(name) ?? checkPart(tag, checkTag) ?? checkPart(digest, checkDigest);
    if (problem !== undefined) return fail(arg, problem);
    return { ok: true, value: { name, newName: KEEP, ...definedFields({ newTag: tag, digest }) } };
  }

  const original = parseImageRef(left);
  if (!original.ok) return fail(arg, `the name before "=" is not an image: ${original.error.message}`);
  const { name: newName, tag, digest } = splitParts(right);
  if (newName === "") return fail(arg, `no new name after "=" (write * to keep it): ${USAGE}`);
  const problem = checkPart(newName, checkName) ?? checkPart(tag, checkTag) ?? checkPart(digest, checkDigest);
  if (problem !== undefined) return fail(arg, problem);
  return { ok: true, value: { name: left, newName, ...definedFields({ newTag: tag, digest }) } };
}

function definedFields(fields: { newTag?: string; digest?: string }): { newTag?: string; digest?: string } {
  return {
    ...(fields.newTag === undefined ? {} : { newTag: fields.newTag }),
    ...(fields.digest === undefined ? {} : { digest: fields.digest }),
  };
}
