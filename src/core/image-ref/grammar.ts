// The container image reference grammar, as in the distribution project's reference package
// (the one Docker, containerd and kustomize agree on).

const alphaNumeric = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alphaNumeric}(?:${separator}${alphaNumeric})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const domainName = `${domainComponent}(?:\\.${domainComponent})*`;
const ipv6 = "\\[(?:[a-fA-F0-9:]+)\\]";
const host = `(?:${domainName}|${ipv6})`;
const domain = `${host}(?::[0-9]+)?`;

/** A repository path without a domain: `team/app`. */
export const REMOTE_NAME = new RegExp(`^${pathComponent}(?:/${pathComponent})*$`);
/** A registry domain with an optional port: `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
export const DOMAIN = new RegExp(`^${domain}$`);
/** A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. */
export const TAG = /^[\w][\w.-]{0,127}$/;
/** A digest: `algorithm:hex`, the algorithm made of components joined by `+ . _ -`. */
export const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

/** Hex lengths of the digest algorithms registries use; their hex must be lower case. */
export const KNOWN_DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
};

export const NAME_MAX_LENGTH = 255;
