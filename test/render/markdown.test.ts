// Strings others wrote (echoed commands, branch names, tags, freeze and hold reasons, PR titles, errors)
// never become links, images, HTML, mentions or references in what the app writes.
import { cell, code, noPing, oneLine, person, plain, PLAIN_TEXT } from "../../src/core/render/markdown.js";
import { commandReply } from "../../src/core/render/command-reply.js";
import { commitMessage, stateEditText } from "../../src/core/render/commit-message.js";
import { dashboardBody } from "../../src/core/render/dashboard.js";
import { rowsTable } from "../../src/core/render/deployment-rows.js";
import { pullRequestText } from "../../src/core/render/pull-request-text.js";
import { commitStatusText } from "../../src/core/render/report-text.js";
import { skipText } from "../../src/core/render/skip-text.js";
import { parseCommands } from "../../src/commands/parse-commands.js";
import type { Row } from "../../src/core/reconcile/observe.js";
import type { PullRequestChange } from "../../src/core/plan/plan-batch.js";
import type { Wanted } from "../../src/core/plan/wanted.js";
import { activeText, codeSpanContent, liveHostileSyntax, tableCells } from "../helpers/markdown-check.js";

const ZWSP = "\u200b";

const HOSTILE = [
  "a` @acme/sre ![p](https://evil.example/p.png) [re-authenticate](https://evil.example) `b",
  "``` ` `` x ``",
  "`",
  "``",
  "` `",
  " `lead",
  "@acme/sre please look",
  "cc @alice and @mallory",
  "![x](https://evil.example/p.png)",
  "[login](https://evil.example)",
  "<img src=x onerror=alert(1)>",
  "<details><summary>open me</summary>",
  "<!-- hidden -->",
  "<a href=https://evil.example>x</a>",
  "line1\n# pwned\r\n- item\n> quote\n1. one",
  "a | b | c",
  "&#64;acme &lt;img&gt;",
  "see #123 and acme/web#4 and GH-5",
  "https://evil.example/x and www.evil.example and mallory@evil.example",
  "1. one",
  "- dash",
  "+ plus",
  "> quote",
  "**bold** _it_ ~~strike~~ $x^2$",
  "\\`escaped \\\\ back\\slash",
  "\u202eevil\u2028next\u0085line\u0000",
  "[^1]: footnote",
  "x".repeat(10_000),
  "`".repeat(300),
];

/** What `plain` keeps of a text, read back: escapes and zero-width spaces removed. */
function unescape(markdown: string): string {
  return markdown.replace(/\\([!-/:-@[-`{-~])/g, "$1").replaceAll(ZWSP, "");
}

describe("code: inline code nothing in the text can end early", () => {
  test.each(HOSTILE)("%j is one code span holding the text on one line", (text) => {
    const rendered = code(text);
    expect(rendered).not.toContain("\n");
    expect(codeSpanContent(rendered)).toBe(expectedBody(text, 200));
    expect(liveHostileSyntax(`before ${rendered} after`)).toEqual([]);
  });

  test("it fences with one backtick more than the longest run inside, padded only at a backtick edge", () => {
    expect(code("/status")).toBe("`/status`");
    expect(code("a`b")).toBe("``a`b``");
    expect(code("`a")).toBe("`` `a ``");
    expect(code("a``")).toBe("``` a`` ```");
    expect(code("a\nb")).toBe("`a b`");
    expect(code("")).toBe("` `");
  });

  test("a long text is cut at the cap, with an ellipsis", () => {
    expect(codeSpanContent(code("x".repeat(500)))).toBe(`${"x".repeat(199)}…`);
    expect(codeSpanContent(code("x".repeat(500), 50))).toHaveLength(50);
  });
});

describe("plain: prose rendered literally", () => {
  test.each(HOSTILE)("%j has no live syntax and reads back as written", (text) => {
    const rendered = plain(text);
    expect(rendered).not.toContain("\n");
    expect(liveHostileSyntax(`before ${rendered} after`)).toEqual([]);
    expect(liveHostileSyntax(`${rendered}`)).toEqual([]);
    // Nothing Markdown reads is left: every metacharacter is escaped (or broken by a zero-width space).
    expect(activeText(rendered)).not.toMatch(/[`*_[\]()<>#!|~&$\\]/);
    expect(unescape(rendered)).toBe(expectedBody(text, 1_000));
  });

  test("a mention, a reference, a bare link and an email read the same but are broken", () => {
    expect(plain("@acme/sre")).toBe(`@${ZWSP}acme/sre`);
    expect(plain("#123")).toBe(`\\#${ZWSP}123`);
    expect(plain("https://evil.example")).toBe(`https:${ZWSP}//evil.example`);
    expect(plain("www.evil.example")).toBe(`www${ZWSP}.evil.example`);
    expect(plain("a # b")).toBe("a \\# b");
  });

  test("a line start that would open a block is escaped", () => {
    expect(plain("- dash")).toBe("\\- dash");
    expect(plain("+ plus")).toBe("\\+ plus");
    expect(plain("12. twelve")).toBe("12\\. twelve");
    expect(plain("> quote")).toBe("\\> quote");
    expect(plain("=====")).toBe("\\=====");
  });

  test("white space, controls and bidi overrides fold to one line", () => {
    expect(oneLine("a\r\n\tb\u2028c\u202ed\u0000")).toBe("a b cd");
  });

  test("a person is named without a ping", () => {
    expect(person("alice")).toBe(`@${ZWSP}alice`);
    expect(liveHostileSyntax(person("alice"))).toEqual([]);
    expect(person("x](https://evil.example)")).not.toContain("](");
  });

  test("plain text (commit messages, statuses) breaks pings but shows no backslashes", () => {
    expect(PLAIN_TEXT.plain("ask @acme/sre about #123 [x](y)")).toBe(
      `ask @${ZWSP}acme/sre about #${ZWSP}123 [x](y)`,
    );
    expect(PLAIN_TEXT.code("main\nx")).toBe("main x");
    expect(noPing("a@b")).toBe(`a@${ZWSP}b`);
  });
});

describe("cell: a table cell keeps its columns", () => {
  test.each([
    ["a | b", 1],
    [plain("a | b \\| c"), 1],
    [code("x|y"), 1],
    [`${plain("\\")}|`, 1],
  ])("%j is one cell", (text, cells) => {
    expect(tableCells(`| ${cell(text)} |`)).toHaveLength(cells);
  });
});

function expectedBody(text: string, max: number): string {
  const folded = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "")
    .replace(/\s+/g, " ")
    .trim();
  const points = Array.from(folded);
  return points.length === 0 ? " " : points.length <= max ? folded : `${points.slice(0, max - 1).join("")}…`;
}

// ---- every text the app writes, with the hostile strings where others' words go ----

const SHA = "0123456789abcdef0123456789abcdef01234567";
const EVIL = "x` @acme/sre ![p](https://evil.example/p.png) <img src=x> [login](https://evil.example) `y";
const EVIL_BRANCH = "feat/`<details open>`@alice![a](https://evil.example)|#123";

function row(overrides: Partial<Row> = {}): Row {
  return {
    environment: "prod",
    image: "ghcr.io/acme/web",
    repository: "acme/web",
    url: "https://github.com/acme/web",
    paths: ["apps/web/overlays/prod/kustomization.yaml"],
    tag: "abc1234",
    sha: SHA,
    date: "2024-01-01T00:00:00Z",
    branch: "main",
    defaultBranch: "main",
    behind: 0,
    state: { kind: "current" },
    hold: undefined,
    freeze: undefined,
    repair: false,
    ...overrides,
  };
}

const hostileRows: Row[] = [
  row({
    hold: { by: "alice", at: "2024-01-01T00:00:00Z", reason: EVIL, tag: "abc1234" } as Row["hold"],
    freeze: { by: "mallory", at: "2024-01-01T00:00:00Z", reason: `${EVIL}\n# pwned | x` } as Row["freeze"],
  }),
  row({ state: { kind: "other-branch" }, branch: EVIL_BRANCH, tag: "v1`|<img>" }),
  row({ state: { kind: "no-build" }, branch: EVIL_BRANCH, repository: undefined }),
];

function wanted(branch = EVIL_BRANCH): Wanted {
  return {
    build: {
      trigger: "workflow_run",
      id: "1",
      repository: {
        owner: "acme",
        name: "web",
        defaultBranch: "main",
        htmlUrl: "https://github.com/acme/web",
      },
      sha: SHA,
      branch,
      event: "push",
      workflowPath: ".github/workflows/build.yml",
      url: undefined,
      image: undefined,
      receivedAt: 0,
    },
    image: "ghcr.io/acme/web",
    tag: SHA,
    digest: undefined,
    tagTemplate: "{sha}",
  };
}

describe("the app's texts with others' words in them", () => {
  test("a command reply echoes the command and its problems as code", () => {
    const body =
      "/status a` @acme/sre ![p](https://evil.example/p.png) [re-authenticate](https://evil.example) `b\n/retag prod `<img>`@alice --`x[a](https://evil.example)";
    const entries = parseCommands(body).map((line) => ({
      text: line.text,
      ok: false,
      lines: line.ok ? ["ok"] : [line.problem, `fix: ${line.fix}`],
    }));
    expect(entries).toHaveLength(2);
    const reply = commandReply("bob", entries);
    expect(liveHostileSyntax(reply)).toEqual([]);
    expect(reply.startsWith("@bob\n")).toBe(true);
  });

  test("a /status table: reasons escaped, branches and tags as code, people not pinged, columns kept", () => {
    const table = rowsTable(hostileRows, Date.parse("2024-01-02T00:00:00Z"), 50, {
      coarse: false,
      withEnvironment: true,
    });
    expect(liveHostileSyntax(table)).toEqual([]);
    const lines = table.split("\n");
    expect(lines).toHaveLength(2 + hostileRows.length);
    for (const line of lines) expect(tableCells(line)).toHaveLength(7);
    expect(table).toContain(`held by @${ZWSP}alice`);
  });

  test("the dashboard: reasons, errors and pull request titles of others are escaped", () => {
    const body = dashboardBody({
      repository: "acme/manifests",
      branch: EVIL_BRANCH,
      environments: ["prod"],
      rows: hostileRows,
      state: {
        freezes: { prod: { by: "mallory", at: "2024-01-01T00:00:00Z", reason: EVIL } },
        holds: {
          prod: { "ghcr.io/acme/web": { by: "alice", at: "2024-01-01T00:00:00Z", reason: EVIL, tag: "a`b" } },
        },
      } as never,
      now: Date.parse("2024-01-02T00:00:00Z"),
      depth: 50,
      pulls: [{ number: 7, url: "https://github.com/acme/manifests/pull/7", title: EVIL }],
      lastError: { at: "2024-01-01T00:00:00Z", message: `${EVIL}\n<details data-x>` },
      unread: 0,
    });
    expect(liveHostileSyntax(body)).toEqual([]);
    // The app's own collapsed sections are the only HTML.
    expect(activeText(body).match(/<details>/g)).toHaveLength(1);
  });

  test("a pull request body: branch, path and tags as code, one table row per file", () => {
    const change: PullRequestChange = {
      environment: "prod",
      image: "ghcr.io/acme/web",
      mode: "pull-request",
      wanted: wanted(),
      writes: [],
      updates: [
        {
          wanted: wanted(),
          environment: "prod",
          path: "apps/`x`|<img>/kustomization.yaml",
          fromTag: "v1`@alice|",
          fromSha: undefined,
          line: 3,
        },
      ],
    };
    const { body } = pullRequestText(change);
    expect(liveHostileSyntax(body)).toEqual([]);
    const row = body.split("\n").find((line) => line.includes("kustomization.yaml"));
    expect(tableCells(row ?? "")).toHaveLength(3);
  });

  test("skip texts: Markdown for replies, plain text without pings for statuses", () => {
    const skips = [
      { reason: "branch-not-allowed", branch: EVIL_BRANCH },
      { reason: "frozen", by: "alice", until: undefined, why: EVIL },
      { reason: "held", tag: "a`b", by: "alice", why: EVIL },
      { reason: "unparsable-file", line: 3, message: EVIL },
      { reason: "not-written", line: undefined, message: EVIL },
    ] as const;
    for (const skip of skips) {
      expect(liveHostileSyntax(skipText(skip))).toEqual([]);
      expect(skipText(skip, PLAIN_TEXT)).not.toMatch(/@(acme|alice)/);
      expect(skipText(skip, PLAIN_TEXT)).not.toContain("\\");
    }
    const status = commitStatusText(
      {
        kind: "skipped",
        wanted: wanted("main"),
        environment: "prod",
        path: "a.yaml",
        skip: skips[1],
      } as never,
      undefined,
      "acme/manifests",
      0,
    );
    expect(status.description).not.toContain("\\");
    expect(status.description).toContain(`@${ZWSP}alice`);
  });

  test("a freeze's reason: escaped in the reply, unpinged but unescaped in the commit message", () => {
    const edit = {
      kind: "freeze",
      environment: "prod",
      freeze: { by: "alice", at: "2024-01-01T00:00:00Z", reason: EVIL },
    } as const;
    expect(liveHostileSyntax(stateEditText(edit))).toEqual([]);
    const message = commitMessage([], [edit]);
    expect(`${message.headline}\n${message.body}`).not.toMatch(/@(acme|alice)/);
    expect(message.body).toContain("![p](https:");
  });
});
