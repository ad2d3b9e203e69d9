import { DIGEST, DOMAIN, KNOWN_DIGEST_HEX_LENGTH, NAME_MAX_LENGTH, REMOTE_NAME, TAG } from "./grammar.js";

/** Docker's rule: the first path component is a registry domain if it has a `.` or `:`, or is `localhost`. */
export function splitDomain(name: string): { domain?: string; path: string } {
  const slash = name.indexOf("/");
  if (slash === -1) return { path: name };
  const first = name.slice(0, slash);
  const looksLikeDomain = first.includes(".") || first.includes(":") || first === "localhost";
  const hasUpperCase = first !== first.toLowerCase();
  if (!looksLikeDomain && !hasUpperCase) return { path: name };
  return { domain: first, path: name.slice(slash + 1) };
}

/** Returns a message when `name` is not a valid repository name, else undefined. */
export function checkName(name: string): string | undefined {
  if (name === "") return "the image name is empty";
  if (name.length > NAME_MAX_LENGTH) return `the image name is longer than ${NAME_MAX_LENGTH} characters`;
  const { domain, path } = splitDomain(name);
  if (domain !== undefined && !DOMAIN.test(domain)) return `"${domain}" is not a valid registry host`;
  if (!REMOTE_NAME.test(path)) {
    return `"${name}" is not a valid image name (lower-case letters, digits and . _ - separators, / between components)`;
  }
  return undefined;
}

export function checkTag(tag: string): string | undefined {
  if (TAG.test(tag)) return undefined;
  return `"${tag}" is not a valid tag (up to 128 of A-Z a-z 0-9 _ . -, not starting with . or -)`;
}

export function checkDigest(digest: string): string | undefined {
  if (!DIGEST.test(digest)) return `"${digest}" is not a valid digest (algorithm:hex, e.g. sha256:<64 hex>)`;
  const [algorithm = "", hex = ""] = digest.split(":");
  const length = KNOWN_DIGEST_HEX_LENGTH[algorithm];
  if (length !== undefined && (hex.length !== length || !/^[0-9a-f]+$/.test(hex))) {
    return `"${digest}" is not a valid ${algorithm} digest (${length} lower-case hex digits)`;
  }
  return undefined;
}
