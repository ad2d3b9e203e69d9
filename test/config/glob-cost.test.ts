// Config globs cannot make matching take time without bound: globs whose regular expression would
// backtrack without bound are config problems, and the matcher is linear in the text for the rest.
import picomatch from "picomatch";
import { CONFIG_PATH, parseConfig } from "../../src/config/index.js";
import { checkBranchGlob, checkPathGlob, checkRepositoryGlob } from "../../src/config/glob-checks.js";
import { compileGlob, GLOB_OPTIONS, globMatcher } from "../../src/config/glob-matcher.js";

const MINIMAL = `sources:
  - repositories: ["acme/*"]
environments:
  prod:
    paths: ["apps/*/overlays/prod/**"]
`;

describe("globs that can backtrack without bound are refused", () => {
  test.each([
    ["apps/+(web|api)/**", /extglob \(`\+\(`\)/],
    ["apps/*(web)/**", /extglob/],
    ["apps/@(web|api)/**", /extglob/],
    ["apps/?(web)/**", /extglob/],
    ["apps/!(legacy)/**", /extglob \(`!\(`\)/],
    ["apps/***/prod", /a run of three or more `\*`/],
    ["apps/*a*b/prod/**", /more than one `\*` in the name `\*a\*b`/],
    ["**/a/**/b/**/c/**/d/**", /5 `\*\*` segments, more than 4/],
    ["{apps/web,services}/**", /a `\/` inside braces/],
    [`apps/${"x".repeat(200)}/**`, /a glob of 208 characters is longer than 200/],
  ])("%s", (glob, message) => {
    const problem = checkPathGlob(glob);
    expect(problem?.message).toMatch(message);
    expect(problem?.fix).toBeTruthy();
    // The same after a leading `!` (exclude).
    expect(checkPathGlob(`!${glob}`)?.message).toMatch(message);
  });

  test.each([
    "apps/*/overlays/prod/**",
    "!apps/legacy/**",
    "**/prod/**",
    "**/a/**/b/**/c/**/d",
    "apps/{web,api}-*/overlays/{dev,qa}/*.yaml",
    "clusters/prod/[a-z]*.yaml",
  ])("%s is allowed", (glob) => {
    expect(checkPathGlob(glob)).toBeUndefined();
  });

  test("repository and branch globs are held to the same", () => {
    expect(checkRepositoryGlob("acme/+(a|b)")?.message).toMatch(/extglob/);
    expect(checkBranchGlob("release/*-*")?.message).toMatch(/more than one `\*`/);
    expect(checkBranchGlob("!release/**")).toBeUndefined();
  });

  test("in a config file the problem has its file, line and column and a fix", () => {
    const result = parseConfig(MINIMAL.replace('["apps/*/overlays/prod/**"]', '["apps/+(a|b)/**"]'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual([
      {
        file: CONFIG_PATH,
        line: 5,
        column: 13,
        message: expect.stringMatching(
          /^`environments\.prod\.paths\[0\]`: `apps\/\+\(a\|b\)\/\*\*` uses an extglob/,
        ),
        fix: expect.stringContaining("braces"),
      },
    ]);
  });
});

describe("the matcher is linear in the text", () => {
  // The worst glob the checks allow: the most `**` segments, one `*` in every other segment, and literal
  // segments that match the text everywhere, so that every `**` could end at every segment.
  const WORST = "**/*a/**/*a/**/*a/**/*b";
  const TEXT = "a/".repeat(4_999) + "a"; // 9,999 characters, 5,000 segments

  test("the worst allowed glob is allowed", () => {
    expect(checkPathGlob(WORST)).toBeUndefined();
  });

  test("against a 10,000-character path it tests each segment at most once per segment of the glob", () => {
    const steps = { count: 0 };
    const matches = compileGlob(WORST, {}, steps);
    expect(matches(TEXT)).toBe(false);
    const globSegments = WORST.split("/").length;
    const textSegments = TEXT.split("/").length;
    expect(steps.count).toBeLessThanOrEqual(globSegments * textSegments);

    steps.count = 0;
    expect(matches(`${TEXT}/b`)).toBe(true);
    expect(steps.count).toBeLessThanOrEqual(globSegments * (textSegments + 1));
  });

  test("a glob of a single name against a 10,000-character name tests it once", () => {
    const steps = { count: 0 };
    expect(compileGlob("*b", {}, steps)("a".repeat(10_000))).toBe(false);
    expect(steps.count).toBe(1);
  });
});

describe("the matcher means what picomatch means, for the globs the checks allow", () => {
  const GLOBS = [
    "**",
    "*",
    "apps/*/overlays/prod/**",
    "**/prod/**",
    "**/*.yaml",
    "apps/**/kustomization.yaml",
    "apps/{web,api}/overlays/*/values.yaml",
    "apps/[a-c]*/x",
    "a/**/b/**/c",
    ".github/workflows/*.yml",
    "apps/web",
    "release/*",
    "acme/*",
  ];
  const TEXTS = [
    "apps/web/overlays/prod/kustomization.yaml",
    "apps/web/overlays/prod",
    "apps/web/overlays/dev/values.yaml",
    "apps/api/overlays/dev/values.yaml",
    "apps/cart/overlays/dev/values.yaml",
    "apps/web",
    "apps/b1/x",
    "apps/d1/x",
    "prod",
    "x/prod/y",
    "a/b/c",
    "a/x/b/y/c",
    "a/c",
    ".github/workflows/build.yml",
    ".github/workflows/sub/build.yml",
    "release/1.2",
    "release/1/2",
    "acme/web",
    "acme/.hidden",
    "x.yaml",
    "deep/er/x.yaml",
  ];
  test.each(GLOBS)("%s", (glob) => {
    const theirs = picomatch(glob, GLOB_OPTIONS);
    const ours = compileGlob(glob);
    for (const text of TEXTS) expect([text, ours(text)]).toEqual([text, theirs(text)]);
  });

  test("a leading ! still excludes", () => {
    const matches = globMatcher(["apps/*/overlays/prod/**", "!apps/legacy/**"]);
    expect(matches("apps/web/overlays/prod/a.yaml")).toBe(true);
    expect(matches("apps/legacy/overlays/prod/a.yaml")).toBe(false);
    expect(globMatcher(["!wip/*"])("main")).toBe(true);
    expect(globMatcher(["!wip/*"])("wip/x")).toBe(false);
  });
});
