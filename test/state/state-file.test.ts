import { describe, expect, test } from "@jest/globals";
import { editState, freezeOf, holdOf, parseState, STATE_PATH } from "../../src/state/state-file.js";

const AT = "2026-11-22T10:00:00Z";
const hold = { by: "alice", at: AT, tag: "0123456789abcdef0123456789abcdef01234567", reason: "rollback" };

describe("the state file", () => {
  test("lives next to the config", () => {
    expect(STATE_PATH).toBe(".github/gitops-image-bot-state.yml");
  });

  test("absent or empty: nothing held or frozen", () => {
    for (const text of [undefined, "", "\n# only a comment\n"])
      expect(parseState(text)).toEqual({ ok: true, state: { freezes: {}, holds: {} } });
  });

  test("the first edit writes a commented file that reads back", () => {
    const text = editState(undefined, [
      { kind: "freeze", environment: "prod", freeze: { by: "bob", at: AT, until: "2026-11-22T12:00:00Z" } },
      { kind: "hold", environment: "prod", image: "ghcr.io/acme/web", hold },
    ]);
    expect(text).toMatch(/^# Holds and freezes of gitops-image-bot/);
    expect(text).toContain("delete its entry");
    const read = parseState(text);
    expect(read.ok && read.state).toEqual({
      freezes: { prod: { by: "bob", at: AT, until: "2026-11-22T12:00:00Z" } },
      holds: { prod: { "ghcr.io/acme/web": hold } },
    });
  });

  test("edits keep a person's comments and order, and drop emptied sections", () => {
    const before = [
      "# our notes: do not touch prod on Fridays",
      "holds:",
      "  prod:",
      "    ghcr.io/acme/web: # pinned during incident 42",
      `      tag: ${hold.tag}`,
      "      by: alice",
      `      at: "${AT}"`,
      "    ghcr.io/acme/api:",
      "      tag: v1",
      "      by: alice",
      `      at: "${AT}"`,
      "",
    ].join("\n");
    const one = editState(before, [{ kind: "release", environment: "prod", image: "ghcr.io/acme/api" }]);
    expect(one).toContain("# our notes: do not touch prod on Fridays");
    expect(one).toContain("# pinned during incident 42");
    expect(one).not.toContain("ghcr.io/acme/api");
    const none = editState(one, [{ kind: "release", environment: "prod", image: "ghcr.io/acme/web" }]);
    expect(none).not.toContain("holds");
    const read = parseState(none);
    expect(read.ok && read.state).toEqual({ freezes: {}, holds: {} });
    const all = editState(before, [{ kind: "release", environment: "prod" }]);
    expect(all).toContain("# our notes: do not touch prod on Fridays");
    expect(all).not.toContain("holds");
  });

  test("an edit that changes nothing gives the text back as it was", () => {
    const text = `freezes:\n  prod: { by: bob, at: "${AT}" }\n`;
    expect(editState(text, [{ kind: "unfreeze", environment: "dev" }])).toBe(text);
  });

  test("a broken file names the line and column", () => {
    expect(parseState("freezes:\n  prod:\n    by: bob\n    at: yesterday\n")).toEqual({
      ok: false,
      line: 4,
      column: 9,
      message: expect.stringMatching(/^freezes\.prod\.at: /),
    });
    expect(parseState("holds: [\n")).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not valid YAML/),
    });
    expect(parseState("surprise: 1\n")).toMatchObject({ ok: false, line: 1 });
  });
});

describe("what is in force", () => {
  const read = parseState(
    editState(undefined, [
      { kind: "freeze", environment: "prod", freeze: { by: "bob", at: AT, until: "2026-11-22T12:00:00Z" } },
      { kind: "freeze", environment: "qa", freeze: { by: "bob", at: AT } },
      { kind: "hold", environment: "prod", image: "ghcr.io/acme/web", hold },
    ]),
  );
  const state = read.ok ? read.state : { freezes: {}, holds: {} };

  test.each<[string, string, boolean]>([
    ["prod before its end", "2026-11-22T11:59:59Z", true],
    ["prod at its end", "2026-11-22T12:00:00Z", false],
    ["qa, without an end, years later", "2030-01-01T00:00:00Z", true],
  ])("a freeze: %s", (name, now, frozen) => {
    const environment = name.split(",")[0]!.split(" ")[0]!;
    expect(freezeOf(state, environment, Date.parse(now)) !== undefined).toBe(frozen);
  });

  test("a hold is per environment and image", () => {
    expect(holdOf(state, "prod", "ghcr.io/acme/web")).toEqual(hold);
    expect(holdOf(state, "dev", "ghcr.io/acme/web")).toBeUndefined();
    expect(holdOf(state, "prod", "ghcr.io/acme/api")).toBeUndefined();
  });
});
