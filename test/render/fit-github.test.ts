import { clipLine, fitText, GITHUB_LIMITS, takeLines, textSize } from "../../src/core/render/fit-github.js";
import { dashboardBody, type DashboardInput } from "../../src/core/render/dashboard.js";
import type { Row } from "../../src/core/reconcile/observe.js";
import { EMPTY_STATE } from "../../src/state/state-file.js";

/** Code points, as GitHub counts characters. */
const characters = (text: string) => Array.from(text).length;

describe("textSize", () => {
  test.each([
    ["abc", "characters", 3],
    ["a\nb", "characters", 4], // a line break may be stored as CRLF
    ["🚀", "characters", 1], // one code point, two UTF-16 code units
    ["🚀", "bytes", 4],
    ["é…", "bytes", 5],
  ] as const)("%j measured in %s is %d", (text, measure, size) => {
    expect(textSize(text, measure)).toBe(size);
  });
});

describe("clipLine", () => {
  test("keeps a short line, cuts a long one at a whole code point with an ellipsis", () => {
    expect(clipLine("short", 10)).toBe("short");
    expect(clipLine("🚀".repeat(10), 5)).toBe(`${"🚀".repeat(4)}…`);
    expect(characters(clipLine("x".repeat(500), 140))).toBe(140);
  });
});

describe("takeLines", () => {
  test("keeps whole lines up to the budget and counts the rest", () => {
    expect(takeLines(["aaaa", "bbbb", "cccc"], 13)).toEqual({ kept: ["aaaa", "bbbb"], omitted: 1 });
    expect(takeLines(["aaaa"], 3)).toEqual({ kept: [], omitted: 1 });
  });
});

describe("fitText", () => {
  test("returns a text that fits unchanged", () => {
    expect(fitText("one\ntwo\n", 100)).toBe("one\ntwo\n");
  });

  test("cuts at a line boundary and says how many lines were left out", () => {
    const text = Array.from({ length: 100 }, (_, i) => `line ${i}`).join("\n");
    const fitted = fitText(text, 200);
    expect(textSize(fitted)).toBeLessThanOrEqual(200);
    const lines = fitted.split("\n");
    const shown = lines.filter((line) => line.startsWith("line "));
    expect(shown).toEqual(shown.map((_, i) => `line ${i}`));
    expect(fitted).toContain(
      `${100 - shown.length} more lines not shown: GitHub takes at most 200 characters`,
    );
  });

  test("closes a code fence the cut left open", () => {
    const text = ["before", "~~~~", ...Array.from({ length: 100 }, () => "code"), "~~~~", "after"].join("\n");
    const fitted = fitText(text, 120, { note: (n) => `${n} left out` });
    expect(fitted).toMatch(/code\n~~~~\n\n\d+ left out\n$/);
  });

  test("measures in bytes when asked, and clips a single line longer than the limit", () => {
    const fitted = fitText("🚀".repeat(1_000), 400, { measure: "bytes" });
    expect(textSize(fitted, "bytes")).toBeLessThanOrEqual(400);
    expect(fitted).toContain("🚀…");
  });
});

function row(environment: string, n: number, state: Row["state"] = { kind: "current" }): Row {
  const name = `service-${String(n).padStart(3, "0")}`;
  return {
    environment,
    image: `ghcr.io/acme/${name}`,
    repository: `acme/${name}`,
    url: `https://github.com/acme/${name}`,
    paths: [`apps/${name}/overlays/${environment}/kustomization.yaml`],
    tag: "0123456789abcdef0123456789abcdef01234567",
    sha: "0123456789abcdef0123456789abcdef01234567",
    date: "2026-11-20T00:00:00Z",
    branch: "main",
    defaultBranch: "main",
    behind: state.kind === "behind" ? 1 : 0,
    state,
    hold: undefined,
    freeze: undefined,
    repair: state.kind === "behind",
  };
}

function dashboard(services: number, behind: (n: number) => boolean = () => false): DashboardInput {
  const environments = ["dev", "qa", "prod"];
  return {
    repository: "acme/manifests",
    branch: "main",
    environments,
    rows: environments.flatMap((environment) =>
      Array.from({ length: services }, (_, n) =>
        row(
          environment,
          n,
          behind(n)
            ? {
                kind: "behind",
                newest: { sha: "fedcba9876543210fedcba9876543210fedcba98", date: "2026-11-21T00:00:00Z" },
              }
            : { kind: "current" },
        ),
      ),
    ),
    state: EMPTY_STATE,
    now: Date.parse("2026-11-22T00:00:00Z"),
    depth: 30,
    pulls: [],
    lastError: undefined,
    unread: 0,
  };
}

describe("dashboardBody", () => {
  test("a small picture is whole: one collapsed section per environment with every row", () => {
    const body = dashboardBody(dashboard(5));
    for (const environment of ["dev", "qa", "prod"])
      expect(body).toContain(
        `## ${environment}\n\n<details><summary>5 images: 5 on the newest build</summary>`,
      );
    expect(body.match(/\| \[acme\/service-/g)).toHaveLength(15);
    expect(body).not.toContain("/status");
  });

  test("300 services x 3 environments fit GitHub's limit, the rows behind shown first and the rest counted", () => {
    const input = dashboard(300, (n) => n % 50 === 49);
    const body = dashboardBody(input);
    expect(textSize(body)).toBeLessThanOrEqual(GITHUB_LIMITS.issueBody);
    expect(body.length).toBeGreaterThan(GITHUB_LIMITS.issueBody * 0.8); // the budget is used, not wasted
    for (const environment of ["dev", "qa", "prod"]) {
      const section = body.slice(body.indexOf(`## ${environment}`)).split("</details>")[0] ?? "";
      const shown = section.match(/^\| \[acme\/service-\d+\]/gm)?.length ?? 0;
      expect(shown).toBeGreaterThan(50);
      expect(section).toContain(`… and ${300 - shown} more: comment \`/status ${environment}\``);
      // The six rows behind are among those shown.
      expect(section.match(/⏳/g)).toHaveLength(6);
      expect(section).toContain("300 images: 294 on the newest build, 6 behind");
    }
  });

  test("a long list of what needs attention is cut too, and comes first", () => {
    const input = dashboard(300, () => true);
    const frozen = {
      ...input,
      rows: input.rows.map((r) => ({
        ...r,
        repair: false,
        freeze: { by: "alice", at: "2026-11-01T00:00:00Z" },
      })),
    };
    const body = dashboardBody(frozen as DashboardInput);
    expect(textSize(body)).toBeLessThanOrEqual(GITHUB_LIMITS.issueBody);
    expect(body.indexOf("## Needs attention")).toBeLessThan(body.indexOf("## dev"));
    expect(body).toMatch(/… and \d+ more: each is marked in its environment's table/);
  });
});
