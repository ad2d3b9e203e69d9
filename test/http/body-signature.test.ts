import { createHmac } from "node:crypto";
import { offeredSignature, signBody, signedByOne, signingSecrets } from "../../src/http/body-signature.js";

const SECRET = "ci-builds-secret-0123456789";
const ROTATED = "ci-builds-rotated-9876543210";
const BODY = '{"repository":"acme/web","sha":"1a2b3c4d5e6f70819293a4b5c6d7e8f901234567"}';

/** As `openssl dgst -sha256 -hmac "$SECRET"` signs it, independently of the code under test. */
const openssl = (secret: string, body: string): string =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

function keys(text: string): readonly Buffer[] {
  const secrets = signingSecrets("BUILDS_WEBHOOK_SECRET", text);
  if (secrets.kind !== "on") throw new Error(secrets.kind);
  return secrets.keys;
}

describe("signingSecrets: validated as the other endpoints' secrets, kept as HMAC keys", () => {
  test("off, refused without the value, on with every secret of a rotation", () => {
    expect(signingSecrets("BUILDS_WEBHOOK_SECRET", undefined)).toEqual({ kind: "off" });
    const weak = signingSecrets("BUILDS_WEBHOOK_SECRET", `${SECRET},short`);
    expect(weak.kind).toBe("refused");
    expect(JSON.stringify(weak)).toContain("secret 2 of BUILDS_WEBHOOK_SECRET");
    expect(JSON.stringify(weak)).not.toContain("short,");
    expect(keys(` ${SECRET} , ${ROTATED}`).map((key) => key.toString())).toEqual([SECRET, ROTATED]);
  });
});

describe("signedByOne: the HMAC-SHA256 of the raw body with one of the secrets", () => {
  const signature = (text: string): Buffer => {
    const offered = offeredSignature(text);
    if (!offered) throw new Error("no signature");
    return offered;
  };

  test("a body signed as openssl signs it, with either secret, in any chunks", () => {
    const both = keys(`${SECRET},${ROTATED}`);
    const chunks = [Buffer.from(BODY.slice(0, 7)), Buffer.from(BODY.slice(7))];
    expect(signedByOne(chunks, signature(openssl(SECRET, BODY)), both)).toBe(true);
    expect(signedByOne([Buffer.from(BODY)], signature(openssl(ROTATED, BODY)), both)).toBe(true);
    expect(signBody(SECRET, BODY)).toBe(openssl(SECRET, BODY));
    expect(
      signedByOne(
        [Buffer.from(BODY)],
        signature(openssl(ROTATED, BODY).toUpperCase().replace("SHA256=", "sha256=")),
        both,
      ),
    ).toBe(true);
  });

  test("another secret, another body, or no secret configured: refused", () => {
    const one = keys(SECRET);
    expect(signedByOne([Buffer.from(BODY)], signature(openssl(ROTATED, BODY)), one)).toBe(false);
    expect(signedByOne([Buffer.from(`${BODY} `)], signature(openssl(SECRET, BODY)), one)).toBe(false);
    expect(signedByOne([Buffer.from(BODY)], signature(openssl(SECRET, BODY)), [])).toBe(false);
  });

  test("only sha256=<64 hex> is a signature", () => {
    const good = openssl(SECRET, BODY);
    for (const header of [
      undefined,
      "",
      good.slice(0, -1),
      good.replace("sha256=", "sha1="),
      `${good}00`,
      [good],
    ])
      expect(offeredSignature(header)).toBeUndefined();
    expect(offeredSignature(` ${good} `)?.length).toBe(32);
  });
});
