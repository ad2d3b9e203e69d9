import { parse } from "yaml";
import { needsQuotes } from "../../src/core/index.js";

describe("needsQuotes: a plain scalar must read back as the exact string in YAML 1.1, 1.2 and Go", () => {
  test.each([
    "1234567",
    "e0",
    "E-0",
    "E12",
    "0123456",
    "1e10",
    "0777",
    "1_000",
    "12:30",
    "0x1F",
    "0b101",
    "0o17",
    ".5",
    "1.10",
    "-1",
    "+1",
    "true",
    "True",
    "false",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "null",
    "Null",
    "~",
    "2024-01-01",
    ".inf",
    ".nan",
    "",
    " v1",
    "a: b",
    "a #b",
    "[x]",
    "{x}",
    "*x",
    "&x",
    "!x",
    "'x'",
    '"x"',
    "%x",
    "@x",
    "`x",
  ])("quotes %j", (value) => expect(needsQuotes(value)).toBe(true));

  test.each([
    "v1.2.3",
    "1.2.3",
    "latest",
    "abc1234",
    "a1b2c3d",
    "sha-0123abc",
    "main-42",
    "1.2.3-rc.1",
    "_x",
    "ghcr.io/acme/app:v1",
  ])("leaves %j plain", (value) => {
    expect(needsQuotes(value)).toBe(false);
    expect(parse(value, { version: "1.1" })).toBe(value);
    expect(parse(value)).toBe(value);
  });
});
