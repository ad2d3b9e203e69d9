import { describe, expect, test } from "@jest/globals";
import { parseCommands, type Command } from "../../src/commands/parse-commands.js";

const commands = (body: string): Command[] =>
  parseCommands(body).flatMap((line) => (line.ok ? [line.command] : []));
const problems = (body: string) =>
  parseCommands(body).flatMap((line) => (line.ok ? [] : [{ problem: line.problem, fix: line.fix }]));

describe("which lines are commands", () => {
  test.each<[string, string, number]>([
    ["one command", "/help", 1],
    ["case and extra spaces", "  /HeLp   ", 1],
    ["several, one per line", "/status\r\n/help\n/status prod", 3],
    ["in the middle of a comment", "Deploying this now.\n\n/retag dev\n\nThanks!", 1],
    ["a quoted command", "> /rollback prod", 0],
    ["a quote inside a quote", "> > /rollback prod", 0],
    ["a fenced block", "```\n/rollback prod\n```", 0],
    ["a tilde fence with a language", "~~~bash\n/rollback prod\n~~~\n/help", 1],
    ["a fence closed only by the same character", "```\n~~~\n/rollback prod\n```\n/help", 1],
    ["an unclosed fence runs to the end", "```\n/rollback prod", 0],
    ["indented code", "Run:\n\n    /rollback prod", 0],
    ["a tab", "\t/rollback prod", 0],
    ["an HTML comment over lines", "<!--\n/rollback prod\n-->\n/help", 1],
    ["an HTML comment on one line", "<!-- /rollback prod -->", 0],
    ["inline text", "please /rollback prod", 0],
    ["inline code", "`/rollback prod`", 0],
    ["a list item", "- /rollback prod", 0],
    ["other bots' commands", "/cc @alice\n/assign\n/lgtm", 0],
    ["a word that only starts like one", "/helpme\n/statuses", 0],
    ["a path", "/etc/passwd", 0],
  ])("%s", (_name, body, count) => {
    expect(parseCommands(body)).toHaveLength(count);
  });
});

describe("arguments", () => {
  test.each<[string, Command]>([
    ["/help", { kind: "help" }],
    ["/status", { kind: "status", environment: undefined }],
    ["/status prod", { kind: "status", environment: "prod" }],
    ["/retag dev", { kind: "retag", environment: "dev", ref: undefined, services: [], force: false }],
    [
      "/retag dev 0123ABCdef",
      {
        kind: "retag",
        environment: "dev",
        ref: { kind: "sha", sha: "0123abcdef" },
        services: [],
        force: false,
      },
    ],
    [
      "/retag prod v1.2.3 web api --force",
      {
        kind: "retag",
        environment: "prod",
        ref: { kind: "tag", tag: "v1.2.3" },
        services: ["web", "api"],
        force: true,
      },
    ],
    [
      "/retag --FORCE prod 1234567",
      { kind: "retag", environment: "prod", ref: { kind: "sha", sha: "1234567" }, services: [], force: true },
    ],
    ["/rollback prod", { kind: "rollback", environment: "prod", ref: undefined, services: [] }],
    [
      "/rollback prod 2",
      { kind: "rollback", environment: "prod", ref: { kind: "steps", steps: 2 }, services: [] },
    ],
    [
      "/rollback prod 1234567 web",
      { kind: "rollback", environment: "prod", ref: { kind: "sha", sha: "1234567" }, services: ["web"] },
    ],
    ["/rollback prod web", { kind: "rollback", environment: "prod", ref: undefined, services: ["web"] }],
    ["/promote qa prod", { kind: "promote", from: "qa", to: "prod", services: [] }],
    ["/promote qa prod web api", { kind: "promote", from: "qa", to: "prod", services: ["web", "api"] }],
    ["/freeze prod", { kind: "freeze", environment: "prod", durationMs: undefined, reason: undefined }],
    ["/freeze prod 2h", { kind: "freeze", environment: "prod", durationMs: 7_200_000, reason: undefined }],
    [
      "/freeze prod 30M incident  #123: payments down",
      { kind: "freeze", environment: "prod", durationMs: 1_800_000, reason: "incident #123: payments down" },
    ],
    [
      "/freeze prod error budget spent",
      { kind: "freeze", environment: "prod", durationMs: undefined, reason: "error budget spent" },
    ],
    ["/unfreeze prod", { kind: "unfreeze", environment: "prod" }],
    ["/resume prod", { kind: "resume", environment: "prod", services: [] }],
    ["/resume prod web", { kind: "resume", environment: "prod", services: ["web"] }],
  ])("%s", (body, command) => {
    expect(commands(body)).toEqual([command]);
  });
});

describe("bad arguments name the problem and the fix", () => {
  test.each<[string, RegExp, RegExp]>([
    ["/retag", /environment is missing/, /\/retag <env>/],
    ["/retag dev not/a/tag", /neither a commit SHA nor a valid image tag/, /7 to 40 hex/],
    ["/retag dev abc123 --yes", /unknown option `--yes`/, /\/retag/],
    ["/rollback prod 2 --force", /--force. is for \/retag/, /leave/],
    ["/promote qa", /target environment is missing/, /\/promote <from-env> <to-env>/],
    ["/promote prod PROD", /to itself/, /two different/],
    ["/freeze prod 2y", /not a duration/, /30m/],
    ["/freeze prod 100d", /longer than the longest freeze/, /shorter/],
    [`/freeze prod ${"x".repeat(201)}`, /longer than 200/, /shorter/],
    ["/unfreeze prod now", /unexpected `now`/, /\/unfreeze <env>/],
    ["/status prod dev", /unexpected `dev`/, /\/status/],
    ["/help me", /unexpected `me`/, /\/help/],
    ["/resume pr@d", /not a valid environment/, /letters, digits/],
    ["/resume prod we$b", /not a valid service/, /letters, digits/],
  ])("%s", (body, problem, fix) => {
    const [found] = problems(body);
    expect(found?.problem).toMatch(problem);
    expect(found?.fix).toMatch(fix);
  });

  test("a bad line does not hide the good ones, and each keeps its line number", () => {
    const parsed = parseCommands("/freeze\n/help\n/status prod");
    expect(parsed.map((line) => [line.line, line.ok])).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
  });
});
