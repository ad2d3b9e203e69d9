import type { IncomingHttpHeaders } from "node:http";
import { carriesSecret, endpointSecrets, matchesSecret } from "../../src/http/endpoint-secrets.js";

const SECRET = "am-0123456789abcdef0123456789abcdef";
const OTHER = "am-fedcba9876543210fedcba9876543210";
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

function digests(text: string): readonly Buffer[] {
  const secrets = endpointSecrets("SOME_SECRET", text);
  if (secrets.kind !== "on") throw new Error(`not on: ${JSON.stringify(secrets)}`);
  return secrets.digests;
}

describe("endpointSecrets: one variable, comma-separated, validated", () => {
  test("unset or empty: off", () => {
    expect(endpointSecrets("SOME_SECRET", undefined)).toEqual({ kind: "off" });
    expect(endpointSecrets("SOME_SECRET", " , ")).toEqual({ kind: "off" });
  });

  test("two good secrets: on, as two digests (never the values)", () => {
    const secrets = endpointSecrets("SOME_SECRET", ` ${SECRET} ,${OTHER}`);
    expect(secrets.kind).toBe("on");
    if (secrets.kind === "on") {
      expect(secrets.digests).toHaveLength(2);
      expect(secrets.digests.some((digest) => digest.toString("utf8").includes(SECRET))).toBe(false);
    }
  });

  test.each<[string, string, RegExp]>([
    ["too short", "short-secret", /^SOME_SECRET is only 12 characters long: use at least 16/],
    ["a space inside", "am-0123456789 abcdef0123456789", /^SOME_SECRET has characters a header cannot carry/],
    ["the second of two too short", `${SECRET},tiny`, /^secret 2 of SOME_SECRET is only 4 characters/],
  ])("a secret that is %s: refused, the reason names the variable, not the value", (_name, value, reason) => {
    const secrets = endpointSecrets("SOME_SECRET", value);
    expect(secrets.kind).toBe("refused");
    if (secrets.kind === "refused") {
      expect(secrets.reason).toMatch(reason);
      expect(secrets.reason).not.toContain("short-secret");
      expect(secrets.reason).not.toContain("tiny");
    }
  });
});

describe("carriesSecret: header, Bearer or Basic, as each endpoint allows", () => {
  const expected = digests(`${SECRET},${OTHER}`);
  const header = "x-gitops-image-bot-secret";
  test.each<[string, IncomingHttpHeaders, { header?: string; bearer?: boolean }, boolean]>([
    ["Bearer, where allowed", { authorization: `Bearer ${SECRET}` }, { bearer: true }, true],
    ["the other secret of a rotation", { authorization: `Bearer ${OTHER}` }, { bearer: true }, true],
    ["bearer, any case", { authorization: `bearer ${SECRET}` }, { bearer: true }, true],
    ["Bearer, where not allowed", { authorization: `Bearer ${SECRET}` }, { header }, false],
    ["Basic, the secret as password", { authorization: basic("argocd", SECRET) }, { header }, true],
    ["Basic, no user name", { authorization: basic("", SECRET) }, { bearer: true }, true],
    ["Basic, the secret as user", { authorization: basic(SECRET, "x") }, { bearer: true }, false],
    ["the own header", { [header]: ` ${SECRET} ` }, { header }, true],
    ["the own header, where not allowed", { [header]: SECRET }, { bearer: true }, false],
    [
      "a wrong own header, a right Basic",
      { [header]: "wrong", authorization: basic("a", SECRET) },
      { header },
      true,
    ],
    ["nothing", {}, { header, bearer: true }, false],
    ["the secret without a scheme", { authorization: SECRET }, { bearer: true }, false],
    ["a wrong bearer", { authorization: `Bearer ${SECRET}x` }, { bearer: true }, false],
    ["both secrets joined", { authorization: `Bearer ${SECRET},${OTHER}` }, { bearer: true }, false],
  ])("%s", (_name, headers, carriers, result) => {
    expect(carriesSecret(headers, expected, carriers)).toBe(result);
  });
});

test("matchesSecret: a path secret is any of the configured ones, never an empty or a wrong one", () => {
  const secrets = endpointSecrets(
    "DOCKERHUB_WEBHOOK_SECRET",
    "dockerhub-secret-0123456789,dockerhub-rotated-987654",
  );
  if (secrets.kind !== "on") throw new Error("expected secrets");
  expect(matchesSecret("dockerhub-secret-0123456789", secrets.digests)).toBe(true);
  expect(matchesSecret("dockerhub-rotated-987654", secrets.digests)).toBe(true);
  expect(matchesSecret("dockerhub-secret-012345678", secrets.digests)).toBe(false);
  expect(matchesSecret("", secrets.digests)).toBe(false);
});
