import { refusalText, type FileRefusal } from "../rewrite/file-limits.js";
import { code } from "./command-reply.js";
import { ANNOTATIONS_PER_REQUEST, codeBlock } from "./config-check-text.js";

/** A manifests file the app refused to read or parse, and why. */
export interface RefusedFileInfo {
  readonly path: string;
  readonly refusal: FileRefusal;
}

export interface RefusedFilesAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number;
  end_column: number;
  annotation_level: "warning";
  message: string;
}

export interface RefusedFilesCheckOutput {
  conclusion: "neutral";
  title: string;
  summary: string;
  /** In batches of at most 50: the first goes with the check run, the others in updates. */
  annotations: RefusedFilesAnnotation[][];
}

function where(refusal: FileRefusal): { line: number; column: number } {
  return refusal.reason === "too-many-aliases"
    ? { line: refusal.line, column: refusal.column }
    : { line: 1, column: 1 };
}

/** `file:line:column: problem`, as the CLI prints it. */
export function refusedFileLine(file: RefusedFileInfo): string {
  const { line, column } = where(file.refusal);
  return `${file.path}:${line}:${column}: ${refusalText(file.refusal)}`;
}

/** A dashboard "needs attention" item: the path as inline code (it comes from the repository), on one line. */
export function refusedFileItem(file: RefusedFileInfo): string {
  const { line } = where(file.refusal);
  const at = line > 1 ? ` (line ${line})` : "";
  return `${code(file.path.replace(/[\r\n\t]+/g, " "))}${at} is not read, so no build is written to it: ${refusalText(file.refusal)}`;
}

/**
 * The check run on the manifests head naming the files refused there: neutral (every other file is
 * still deployed), an annotation per file, and a summary of `file:line:column: problem` lines in a
 * code block (paths come from the repository: no markdown of theirs is rendered).
 */
export function refusedFilesCheckOutput(files: readonly RefusedFileInfo[]): RefusedFilesCheckOutput {
  const annotations = files.map((file): RefusedFilesAnnotation => {
    const { line, column } = where(file.refusal);
    return {
      path: file.path,
      start_line: line,
      end_line: line,
      start_column: column,
      end_column: column,
      annotation_level: "warning",
      message: refusalText(file.refusal),
    };
  });
  const batches: RefusedFilesAnnotation[][] = [];
  for (let start = 0; start < annotations.length; start += ANNOTATIONS_PER_REQUEST)
    batches.push(annotations.slice(start, start + ANNOTATIONS_PER_REQUEST));
  const count = files.length;
  return {
    conclusion: "neutral",
    title: `${count} manifests file${count === 1 ? " is" : "s are"} not read: builds are not written to ${count === 1 ? "it" : "them"}`,
    summary: `The other files are deployed as usual.\n\n${codeBlock(files.map(refusedFileLine))}`,
    annotations: batches,
  };
}
