import { createVerify } from "node:crypto";
import type { TwinStore } from "./store.js";
import type { AppRecord, InstallationRecord } from "./state.js";

export type Caller =
  | { readonly kind: "anonymous" }
  | { readonly kind: "app"; readonly app: AppRecord }
  | { readonly kind: "installation"; readonly installation: InstallationRecord; readonly app: AppRecord };

export class AuthError extends Error {}

function decodePart(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    if (value !== null && typeof value === "object") return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AuthError("A JSON web token could not be decoded");
}

/** Verifies a GitHub App JWT (RS256, `iss` = app id or client id, at most 10 minutes long) like GitHub does. */
export function verifyAppJwt(store: TwinStore, jwt: string): AppRecord {
  const [header, payload, signature] = jwt.split(".");
  if (!header || !payload || !signature) throw new AuthError("A JSON web token could not be decoded");
  const head = decodePart(header);
  if (head["alg"] !== "RS256") throw new AuthError("'alg' must be RS256");
  const claims = decodePart(payload);
  const app = store.apps.get(Number(claims["iss"]));
  if (!app) throw new AuthError("Integration not found");
  const verifier = createVerify("RSA-SHA256");
  verifier.update(`${header}.${payload}`);
  if (!verifier.verify(app.publicKey, Buffer.from(signature, "base64url"))) {
    throw new AuthError("A JSON web token could not be decoded");
  }
  const now = Math.floor(store.now().getTime() / 1000);
  const iat = Number(claims["iat"]);
  const exp = Number(claims["exp"]);
  if (!Number.isFinite(iat) || !Number.isFinite(exp)) throw new AuthError("'iat' and 'exp' are required");
  if (exp <= now)
    throw new AuthError(
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  if (iat > now + 60)
    throw new AuthError(
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  // GitHub: at most 10 minutes into the future (a little clock drift allowed).
  if (exp > now + 600 + 30) throw new AuthError("'Expiration time' claim ('exp') is too far in the future");
  return app;
}

/** Who is calling, from the Authorization header (`Bearer <jwt>`, `token <installation token>`). */
export function identify(store: TwinStore, authorization: string | undefined): Caller {
  if (!authorization) return { kind: "anonymous" };
  const [scheme = "", credential = ""] = authorization.trim().split(/\s+/, 2);
  if (credential.split(".").length === 3 && /^bearer$/i.test(scheme)) {
    return { kind: "app", app: verifyAppJwt(store, credential) };
  }
  const token = store.tokens.get(credential);
  if (!token) throw new AuthError("Bad credentials");
  if (token.expiresAt <= store.now().getTime()) throw new AuthError("Bad credentials");
  const installation = store.installations.get(token.installationId);
  const app = installation ? store.apps.get(installation.appId) : undefined;
  if (!installation || !app) throw new AuthError("Bad credentials");
  return { kind: "installation", installation, app };
}
