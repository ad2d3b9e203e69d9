import type { ConfigProblem } from "../../src/config/index.js";
import { configCheckOutput, MAX_SUMMARY } from "../../src/core/render/config-check-text.js";
import { extendsTarget } from "../../src/services/load-config.js";

const TEXTS = {
  failureTitle: (count: number) => `${count} problems`,
  successTitle: "configuration valid",
  successSummary: "Checked.",
};

function problem(line: number, message = "bad", file = ".github/gitops-image-bot.yml"): ConfigProblem {
  return { file, line, column: 3, message, fix: "fix it" };
}

describe("configCheckOutput: the check run's output within GitHub's limits", () => {
  test("no problem: success, no annotation", () => {
    expect(configCheckOutput([], TEXTS)).toEqual({
      conclusion: "success",
      title: "configuration valid",
      summary: "Checked.",
      annotations: [],
    });
  });

  test("annotations in batches of 50, only on this repository's config and state files", () => {
    const problems = [
      ...Array.from({ length: 120 }, (_, i) => problem(i + 1)),
      problem(1, "from the base", "acme/.github:.github/gitops-image-bot.yml"),
      problem(2, "state", ".github/gitops-image-bot-state.yml"),
      problem(3, "yaml", ".github/gitops-image-bot.yaml"),
    ];
    const output = configCheckOutput(problems, TEXTS);
    expect(output.conclusion).toBe("failure");
    expect(output.title).toBe("123 problems");
    expect(output.annotations.map((batch) => batch.length)).toEqual([50, 50, 22]);
    expect(output.annotations[0]![0]).toEqual({
      path: ".github/gitops-image-bot.yml",
      start_line: 1,
      end_line: 1,
      start_column: 3,
      end_column: 3,
      annotation_level: "failure",
      message: "bad. Fix: fix it",
    });
    expect(output.summary).toContain(
      "acme/.github:.github/gitops-image-bot.yml:1:3: from the base. Fix: fix it",
    );
  });

  test("what people wrote cannot leave the summary's code block", () => {
    const output = configCheckOutput([problem(1, "unknown key ```\n[x](https://evil) @someone")], TEXTS);
    expect(output.summary.startsWith("````text\n")).toBe(true);
    expect(output.summary.endsWith("\n````")).toBe(true);
  });

  test("a summary that would pass 65,535 characters is cut, saying how many more", () => {
    const problems = Array.from({ length: 2000 }, (_, i) => problem(i + 1, "x".repeat(100)));
    const output = configCheckOutput(problems, TEXTS);
    expect(output.summary.length).toBeLessThanOrEqual(MAX_SUMMARY);
    expect(output.summary).toMatch(/… and \d+ more\n```$/);
  });
});

describe("extendsTarget: Probot's _extends grammar", () => {
  test.each<[string, object | undefined]>([
    [".github", { owner: "acme", name: ".github", path: ".github/gitops-image-bot.yml" }],
    ["platform", { owner: "acme", name: "platform", path: ".github/gitops-image-bot.yml" }],
    ["other/base", { owner: "other", name: "base", path: ".github/gitops-image-bot.yml" }],
    ["other/base:shared/bot.yaml", { owner: "other", name: "base", path: "shared/bot.yaml" }],
    ["platform:bot.yml", { owner: "acme", name: "platform", path: "bot.yml" }],
    ["https://github.com/acme/.github", undefined],
    ["other/base:shared/bot.json", undefined],
  ])("%s", (value, target) => {
    expect(extendsTarget(value, "acme")).toEqual(target);
  });
});
