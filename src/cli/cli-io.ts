import { readFile, stat, writeFile } from "node:fs/promises";

/** What the CLI touches outside itself, so commands can run against a fake in tests. */
export interface CliIo {
  readFile(path: string): Promise<string>;
  /** The file's size in bytes, to refuse a file over the limit before reading it (absent: read, then check). */
  fileSize?(path: string): Promise<number>;
  writeFile(path: string, text: string): Promise<void>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export const nodeIo: CliIo = {
  readFile: (path) => readFile(path, "utf8"),
  fileSize: async (path) => (await stat(path)).size,
  writeFile: (path, text) => writeFile(path, text, "utf8"),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};
