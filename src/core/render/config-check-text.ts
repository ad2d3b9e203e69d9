import { CONFIG_PATHS, type ConfigProblem } from "../../config/index.js";
import { STATE_PATH } from "../../state/state-file.js";
import { GITHUB_LIMITS, textSize } from "./fit-github.js";

/** GitHub's limits on a check run's output (characters and UTF-8 bytes) and annotations per request. */
export const MAX_SUMMARY = GITHUB_LIMITS.checkOutput;
export const ANNOTATIONS_PER_REQUEST = GITHUB_LIMITS.annotationsPerRequest;

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number;
  end_column: number;
  annotation_level: "failure";
  message: string;
}

export interface ConfigCheckOutput {
  conclusion: "success" | "failure";
  title: string;
  summary: string;
  /** In batches of at most 50: the first goes with the check run, the others in updates. */
  annotations: CheckAnnotation[][];
}

/** One line per problem: `file:line:column: problem. Fix: ...` (the CLI prints the same). */
export function problemLine(problem: ConfigProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}: ${problem.message}. Fix: ${problem.fix}`;
}

/**
 * The output of the configuration check run. The problems quote what people wrote, so the summary
 * shows them in a code block (no markdown, links or mentions inside), cut to GitHub's 65,535
 * bytes; annotations go only on this repository's config and state files.
 */
export function configCheckOutput(
  problems: readonly ConfigProblem[],
  texts: { failureTitle: (count: number) => string; successTitle: string; successSummary: string },
): ConfigCheckOutput {
  if (problems.length === 0)
    return {
      conclusion: "success",
      title: texts.successTitle,
      summary: texts.successSummary,
      annotations: [],
    };
  const annotations = problems
    .filter((problem) => CONFIG_PATHS.includes(problem.file) || problem.file === STATE_PATH)
    .map((problem): CheckAnnotation => ({
      path: problem.file,
      start_line: problem.line,
      end_line: problem.line,
      start_column: problem.column,
      end_column: problem.column,
      annotation_level: "failure",
      message: `${problem.message}. Fix: ${problem.fix}`,
    }));
  const batches: CheckAnnotation[][] = [];
  for (let start = 0; start < annotations.length; start += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  return {
    conclusion: "failure",
    title: texts.failureTitle(problems.length),
    summary: codeBlock(problems.map(problemLine)),
    annotations: batches,
  };
}

/** Lines in a fenced block longer than any run of backticks in them, cut to fit GitHub's limit. */
export function codeBlock(lines: readonly string[]): string {
  const longest = Math.max(
    0,
    ...lines.map((line) => Math.max(0, ...(line.match(/`+/g) ?? []).map((run) => run.length))),
  );
  const fence = "`".repeat(Math.max(3, longest + 1));
  const kept: string[] = [];
  let size = fence.length * 2 + 100;
  for (const [index, line] of lines.entries()) {
    const more = `… and ${lines.length - index} more`;
    const lineSize = textSize(`${line}\n`, "bytes");
    if (size + lineSize + textSize(`${more}\n`, "bytes") > MAX_SUMMARY) {
      kept.push(more);
      break;
    }
    kept.push(line);
    size += lineSize;
  }
  return `${fence}text\n${kept.join("\n")}\n${fence}`;
}
