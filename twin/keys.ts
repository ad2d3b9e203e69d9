import { generateKeyPairSync } from "node:crypto";

export interface KeyPair {
  readonly privateKey: string;
  readonly publicKey: string;
}

let cached: KeyPair | undefined;

/** A throwaway RSA key pair for a test app (generated once per process). */
export function throwawayKeyPair(): KeyPair {
  cached ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return cached;
}
